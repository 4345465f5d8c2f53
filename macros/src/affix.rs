//! Prefix/suffix parameters (`post-{$id}`) in generated code: a marker type per
//! parameter holding its text, and the table the handler checks first.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Ident;

use crate::template::{Affixes, Segment, Template};

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

/// The prefix/suffix text every axum path of a route checks, from the template's
/// variants: their common entries, and their number of segments when all have the same
/// (`0` otherwise). `None` when there is no such text, or when the variants (optional
/// segments before one) put it at different indices: the runtime then checks each path's
/// own table in a layer.
pub(crate) fn affix_table(template: &Template) -> Option<Affixes> {
    let mut table: Option<Affixes> = None;
    for variant in template.variants() {
        let own = variant.affixes;
        match &mut table {
            None => table = Some(own),
            Some(known) => {
                if known.entries != own.entries {
                    return None;
                }
                if known.segments != own.segments {
                    known.segments = 0;
                }
            }
        }
    }
    table.filter(|table| !table.entries.is_empty())
}

/// `AffixTable { … }` of `affixes`, as the runtime reads it.
pub(crate) fn affix_table_tokens(affixes: &Affixes) -> TokenStream {
    let rk = private();
    let segments = affixes.segments;
    let entries = affixes
        .entries
        .iter()
        .map(|(index, prefix, suffix)| quote!((#index, #prefix, #suffix)));
    quote!(#rk::AffixTable { segments: #segments, entries: &[#(#entries),*] })
}

#[cfg(test)]
mod affix_table_tests {
    use super::affix_table;
    use crate::template::{parse, Affixes};

    type Entries = Vec<(usize, String, String)>;

    fn table(template: &str) -> Option<(usize, Entries)> {
        affix_table(&parse(template).unwrap())
            .map(|Affixes { segments, entries }| (segments, entries))
    }

    #[test]
    fn the_table_is_what_every_path_of_the_route_checks() {
        assert_eq!(
            table("/posts/post-{$id}/{$name}.txt"),
            Some((
                4,
                vec![
                    (2, "post-".into(), "".into()),
                    (3, "".into(), ".txt".into())
                ]
            ))
        );
        assert_eq!(table("/posts/$id"), None);
        // A catch-all after the text: from the start, whichever path matched.
        assert_eq!(
            table("/v/v{$major}/docs/[[...page]]"),
            Some((0, vec![(2, "v".into(), "".into())]))
        );
        // An optional segment before the text moves it: no table, the runtime checks.
        assert_eq!(table("/o/{-$a}/p-{$b}"), None);
    }

    #[test]
    fn each_variant_has_its_own_table() {
        let template = parse("/o/{-$a}/p-{$b}/docs/$").unwrap();
        let tables: Vec<_> = template.variants().into_iter().map(|v| v.affixes).collect();
        assert_eq!(tables[0].segments, 0);
        assert_eq!(tables[0].entries, [(2, "p-".to_owned(), String::new())]);
        assert_eq!(tables[1].entries, [(3, "p-".to_owned(), String::new())]);
        let plain = parse("/a/$id/b").unwrap().variants();
        assert_eq!(
            plain[0].affixes,
            Affixes {
                segments: 4,
                entries: vec![]
            }
        );
    }
}
