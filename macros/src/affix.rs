//! Prefix/suffix parameters (`post-{$id}`) in generated code: a marker type per
//! parameter holding its text, and the table the handler checks first.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Ident;

use crate::template::{Segment, Template};

use crate::chain::private;

/// The marker type holding a prefix/suffix parameter's text (`post-{$id}`).
pub(crate) fn affix_marker(name: &str) -> Ident {
    format_ident!("__routekit_affix_{}", name)
}

/// One marker type per prefix/suffix parameter of the template, for [`endpoint`]'s slots.
pub(crate) fn affix_markers(template: &Template) -> TokenStream {
    let rk = private();
    let mut items = TokenStream::new();
    for segment in &template.segments {
        if let Segment::Affixed {
            name,
            prefix,
            suffix,
        } = segment
        {
            let marker = affix_marker(name);
            items.extend(quote! {
                #[allow(non_camel_case_types, dead_code)]
                #[doc(hidden)]
                pub struct #marker;
                impl #rk::Affix for #marker {
                    const PREFIX: &'static str = #prefix;
                    const SUFFIX: &'static str = #suffix;
                }
            });
        }
    }
    items
}

/// A route's segment count (`0`: open) and its (segment index, prefix, suffix) entries.
pub(crate) type AffixTable = (usize, Vec<(usize, String, String)>);

/// The prefix/suffix text every axum path of a route checks, as the runtime's `Affixes`
/// reads it from a pattern: for each segment with text around its parameter (up to a
/// catch-all), its index among the pattern's `/`-separated segments, the prefix and the
/// suffix; and the number of segments when all patterns have the same and no catch-all
/// (`0` otherwise). `None` when there is no such text, or when the patterns (optional
/// segments before one) put it at different indices: the runtime then checks it in a
/// layer.
pub(crate) fn affix_table(patterns: &[String]) -> Option<AffixTable> {
    fn affix(segment: &str) -> Option<(&str, &str)> {
        let open = segment.find('{')?;
        let close = segment.rfind('}')?;
        if segment[open..].starts_with("{*") {
            return None;
        }
        let (prefix, suffix) = (&segment[..open], &segment[close + 1..]);
        (!prefix.is_empty() || !suffix.is_empty()).then_some((prefix, suffix))
    }
    let mut table: Option<AffixTable> = None;
    for pattern in patterns {
        let mut entries = Vec::new();
        let mut segments = 0;
        for (index, segment) in pattern.split('/').enumerate() {
            if segment.contains("{*") {
                segments = 0;
                break;
            }
            segments = index + 1;
            if let Some((prefix, suffix)) = affix(segment) {
                entries.push((index, prefix.to_owned(), suffix.to_owned()));
            }
        }
        match &mut table {
            None => table = Some((segments, entries)),
            Some((known, seen)) => {
                if *seen != entries {
                    return None;
                }
                if *known != segments {
                    *known = 0;
                }
            }
        }
    }
    table.filter(|(_, entries)| !entries.is_empty())
}

#[cfg(test)]
mod affix_table_tests {
    use super::affix_table;

    fn table(patterns: &[&str]) -> Option<super::AffixTable> {
        affix_table(&patterns.iter().map(|p| p.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn the_table_is_what_every_path_of_the_route_checks() {
        assert_eq!(
            table(&["/posts/post-{id}/{name}.txt"]),
            Some((
                4,
                vec![
                    (2, "post-".into(), "".into()),
                    (3, "".into(), ".txt".into())
                ]
            ))
        );
        assert_eq!(table(&["/posts/{id}"]), None);
        // A catch-all after the text: from the start, whichever path matched.
        assert_eq!(
            table(&["/v/v{major}/docs/{*page}", "/v/v{major}/docs"]),
            Some((0, vec![(2, "v".into(), "".into())]))
        );
        // An optional segment before the text moves it: no table, the runtime checks.
        assert_eq!(table(&["/o/p-{b}", "/o/{a}/p-{b}"]), None);
    }
}
