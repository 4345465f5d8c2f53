//! The HTTP methods a route handler may be named after, and the suggestion for a typo.

/// The methods of the seeds, in the order Next.js documents them.
pub const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// The canonical (upper-case) method a function name stands for: `GET` or `get`.
pub fn from_name(name: &str) -> Option<&'static str> {
    let upper = name.to_ascii_uppercase();
    let is_one_case = name == upper || name == name.to_ascii_lowercase();
    METHODS.iter().copied().find(|m| *m == upper && is_one_case)
}

/// An upper-case name that looks meant as a method (`GTE`, `DELET`).
pub fn looks_like_method(name: &str) -> bool {
    name.len() >= 2 && name.chars().all(|c| c.is_ascii_uppercase()) && from_name(name).is_none()
}

/// The method nearest to `name` by edit distance.
pub fn nearest(name: &str) -> &'static str {
    let upper = name.to_ascii_uppercase();
    METHODS
        .iter()
        .copied()
        .min_by_key(|m| distance(&upper, m))
        .unwrap_or("GET")
}

/// Optimal string alignment distance: a swap of two letters (`GTE`) counts as one edit.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_methods_in_either_case() {
        assert_eq!(from_name("GET"), Some("GET"));
        assert_eq!(from_name("delete"), Some("DELETE"));
        assert_eq!(from_name("Get"), None);
        assert_eq!(from_name("helper"), None);
    }

    #[test]
    fn typos_suggest_the_nearest_method() {
        assert!(looks_like_method("GTE"));
        assert!(!looks_like_method("GET"));
        assert!(!looks_like_method("helper"));
        assert_eq!(nearest("GTE"), "GET");
        assert_eq!(nearest("DELET"), "DELETE");
        assert_eq!(nearest("PATHC"), "PATCH");
        assert_eq!(nearest("OPTION"), "OPTIONS");
        assert_eq!(nearest("POTS"), "POST");
    }
}
