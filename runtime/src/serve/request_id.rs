//! `x-request-id`: keep a well-formed incoming id, otherwise make one; put it on the request
//! (handlers read it as a header) and on the response. The connection's service
//! ([`super::conn`]) calls these for each request.
//!
//! Written here rather than with tower-http's `SetRequestIdLayer` + `PropagateRequestIdLayer`:
//! those keep any incoming value as it is (a 4 KB id, or one with spaces, would reach the
//! logs), and their `request-id` feature pulls in `uuid` for an id generator we do not use.

use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use bytes::BytesMut;
use http::header::{Entry, HeaderName};
use http::{HeaderMap, HeaderValue};

/// The header carrying the request id, on the request and on the response.
pub(crate) static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest incoming id kept; a longer one is replaced.
const MAX_LEN: usize = 128;

/// Whether an incoming id is kept: 1 to [`MAX_LEN`] visible ASCII characters (no spaces or
/// control characters), which is what every common generator (UUIDs, ULIDs, hex, base64)
/// produces.
fn is_valid(id: &[u8]) -> bool {
    !id.is_empty() && id.len() <= MAX_LEN && id.iter().all(|b| (b'!'..=b'~').contains(b))
}

/// Longest generated id: 12 hex digits, `-`, up to 16 hex digits.
const GENERATED_MAX: usize = 29;

/// How many generated ids one block holds (see [`IdBlock`]).
const IDS_PER_BLOCK: usize = 32;

/// The ids one connection generates, cut from a shared buffer: each is a slice of one
/// allocation of [`IDS_PER_BLOCK`] ids, so an id costs no allocation of its own, and the
/// copy on the response is a reference count, not a second buffer.
#[derive(Debug, Default)]
pub(crate) struct IdBlock(Mutex<BytesMut>);

impl IdBlock {
    /// A new id: a per-process random prefix and a counter, `5f0c2a9e41d7-0000002a`. Unique
    /// within the process, and across processes unless two draw the same 48-bit prefix.
    fn generate(&self) -> HeaderValue {
        static PREFIX: OnceLock<[u8; 13]> = OnceLock::new();
        static COUNTER: AtomicU64 = AtomicU64::new(1);
        let prefix = PREFIX.get_or_init(|| {
            // `RandomState` is seeded from the OS's randomness: no extra dependency.
            let random = std::collections::hash_map::RandomState::new()
                .hash_one((std::process::id(), std::time::SystemTime::now()));
            let mut text = [b'-'; 13];
            hex(random, 12, &mut text[..12]);
            text
        });
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let digits = (16 - n.leading_zeros() as usize / 4).max(8);
        let mut counter = [0u8; 16];
        hex(n, digits, &mut counter[..digits]);

        let mut block = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if block.capacity() - block.len() < GENERATED_MAX {
            *block = BytesMut::with_capacity(GENERATED_MAX * IDS_PER_BLOCK);
        }
        block.extend_from_slice(prefix);
        block.extend_from_slice(&counter[..digits]);
        let id = block.split().freeze();
        debug_assert!(is_valid(&id));
        // SAFETY: hex digits and `-` only, all visible ASCII: valid header value bytes.
        unsafe { HeaderValue::from_maybe_shared_unchecked(id) }
    }
}

/// Writes the low `digits` hex digits of `n` into `out` (lower case, zero-padded).
fn hex(mut n: u64, digits: usize, out: &mut [u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for slot in out[..digits].iter_mut().rev() {
        *slot = DIGITS[(n & 0xf) as usize];
        n >>= 4;
    }
}

/// The request's id: the incoming one when well-formed, otherwise a new one from `ids`,
/// set on the request so handlers and the request log read it as a header.
pub(crate) fn for_request(headers: &mut HeaderMap, ids: &IdBlock) -> HeaderValue {
    // One lookup for the read and the write.
    match headers.entry(&X_REQUEST_ID) {
        Entry::Occupied(mut slot) => {
            if !is_valid(slot.get().as_bytes()) {
                slot.insert(ids.generate());
            }
            slot.get().clone()
        }
        Entry::Vacant(slot) => slot.insert(ids.generate()).clone(),
    }
}

/// Puts the request's id on its response, unless the handler set its own (as tower-http's
/// propagation keeps it).
pub(crate) fn set_on_response(headers: &mut HeaderMap, id: HeaderValue) {
    if let Entry::Vacant(slot) = headers.entry(&X_REQUEST_ID) {
        slot.insert(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incoming_ids_are_kept_only_when_well_formed() {
        assert!(is_valid(b"3f2a-01"));
        assert!(is_valid(b"123e4567-e89b-12d3-a456-426614174000"));
        assert!(is_valid(&[b'a'; MAX_LEN]));
        assert!(!is_valid(b""));
        assert!(!is_valid(&[b'a'; MAX_LEN + 1]));
        assert!(!is_valid(b"has space"));
        assert!(!is_valid(b"tab\there"));
        assert!(!is_valid("caf\u{e9}".as_bytes()));
    }

    #[test]
    fn generated_ids_are_distinct_and_valid() {
        let ids = IdBlock::default();
        let a = ids.generate();
        let b = ids.generate();
        // More than one block's worth: a new block is started when one is used up.
        let many: std::collections::HashSet<_> =
            (0..IDS_PER_BLOCK * 3).map(|_| ids.generate()).collect();
        assert_eq!(many.len(), IDS_PER_BLOCK * 3);
        assert!(many.iter().all(|id| is_valid(id.as_bytes())));
        assert_ne!(a, b);
        assert!(is_valid(a.as_bytes()), "{a:?}");
        let (prefix, counter) = a.to_str().unwrap().split_once('-').unwrap();
        assert_eq!(prefix.len(), 12);
        assert!(counter.len() >= 8);
        assert!(b.to_str().unwrap().starts_with(prefix));
    }

    #[test]
    fn hex_digits_are_zero_padded() {
        let mut out = [0u8; 8];
        hex(0x2a, 8, &mut out);
        assert_eq!(&out, b"0000002a");
        let mut out = [0u8; 16];
        hex(u64::MAX, 16, &mut out);
        assert_eq!(&out, b"ffffffffffffffff");
    }

    #[test]
    fn a_valid_incoming_id_is_kept_and_a_bad_one_replaced() {
        let ids = IdBlock::default();
        let mut headers = HeaderMap::new();
        headers.insert(&X_REQUEST_ID, HeaderValue::from_static("abc-123"));
        assert_eq!(for_request(&mut headers, &ids), "abc-123");
        headers.insert(&X_REQUEST_ID, HeaderValue::from_static("has space"));
        let id = for_request(&mut headers, &ids);
        assert_ne!(id, "has space");
        assert_eq!(headers[&X_REQUEST_ID], id);

        let mut res = HeaderMap::new();
        res.insert(&X_REQUEST_ID, HeaderValue::from_static("the-handler's"));
        set_on_response(&mut res, id.clone());
        assert_eq!(res[&X_REQUEST_ID], "the-handler's");
        let mut res = HeaderMap::new();
        set_on_response(&mut res, id.clone());
        assert_eq!(res[&X_REQUEST_ID], id);
    }
}
