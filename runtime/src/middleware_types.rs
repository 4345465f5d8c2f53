//! What a `#[middleware]` function is, as types: the context value it provides and those
//! it needs ([`MiddlewareInfo`]), how a list may name it ([`Listing`], [`ListItem`]), and
//! the compile-time checks that every `Ctx<T>` has a provider ([`ProvidedBy`],
//! [`SatisfiedBy`]). Nothing here runs at request time.

use std::marker::PhantomData;

/// What a `#[middleware]` function adds to and needs from the request context, as types.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a `#[middleware]` function",
    label = "not a `#[middleware]` function",
    note = "declare it with `#[middleware] async fn …`, or write a `tower::Layer` expression such as `CorsLayer::permissive()`"
)]
pub trait MiddlewareInfo {
    /// The context value it adds (`()` for none).
    type Provides;
    /// The context values it takes, as a type-level list `(A, (B, ()))`.
    type Requires;
    /// Whether a list may name it bare: [`Bare`] or [`NeedsArguments`].
    type Listing;
}

/// How a list may name a `#[middleware]` function: [`Bare`] (`#[middleware(auth)]`), or
/// only called with its `#[arg]` arguments, [`NeedsArguments`]. A list names
/// `<<auth as MiddlewareInfo>::Listing as Listing>::LISTED` for each bare item (see
/// [`ListItem`]), so a bare item fails there, once, at the item: with `MiddlewareInfo`'s
/// message when it is not a `#[middleware]` at all, with [`CallWithArguments`]'s when it
/// takes arguments.
pub trait Listing {
    /// Always `true`.
    const LISTED: bool = true;
}

/// The [`Listing`] of a `#[middleware]` without `#[arg]` parameters.
pub struct Bare;

impl Listing for Bare {}

/// The [`Listing`] of a `#[middleware]` with `#[arg]` parameters, `M`: none when bare.
pub struct NeedsArguments<M>(PhantomData<M>);

impl<M> Listing for NeedsArguments<M> where (): CallWithArguments<M, ()> {}

/// The [`Listing`] of a name a list gives that is no type in scope (`#[middleware(plain)]`
/// where `fn plain` lacks `#[middleware]`, or a misspelling): never listed.
pub struct NotInScope<M>(PhantomData<M>);

impl<M> Listing for NotInScope<M> where (): MiddlewareInScope<M> {}

/// The stand-in a route module's list item resolves to when no type of its name is in
/// scope (a function without `#[middleware]`, a misspelling): listing it reports
/// `MiddlewareInScope`'s message at the item.
pub struct NotAMiddleware;

#[diagnostic::do_not_recommend]
impl MiddlewareInfo for NotAMiddleware {
    type Provides = ();
    type Requires = ();
    type Listing = NotInScope<NotAMiddleware>;
}

/// Implemented by nothing: the message of a list item that names no `#[middleware]`.
#[diagnostic::on_unimplemented(
    message = "no `#[middleware]` function of this name is in scope",
    label = "not a `#[middleware]` function",
    note = "if this names your function, add `#[middleware]` above its `fn`; otherwise check the spelling, or import it with `use`"
)]
pub trait MiddlewareInScope<M> {}

/// How generated code names a `#[middleware]` function of a list, `auth`: through a
/// constant and an alias,
/// `const __ROUTEKIT_MW0: bool = <<auth as MiddlewareInfo>::Listing as Listing>::LISTED;` and
/// `type __routekit_mw0 = <(auth,) as ListItem<__ROUTEKIT_MW0>>::Type;`, which is `auth`
/// itself. For an item that is not a `#[middleware]` function the constant fails, at the
/// item, with `MiddlewareInfo`'s message, and the alias is an error type: the route's
/// state-generic bounds that name it are then left out, rather than failing a second time
/// where `routes!` registers the route. (The path stands where a type is expected and
/// never in generic arguments, so a misspelt name or a plain function is reported the same
/// way in both places, which the compiler shows once.)
pub trait ListItem<const LISTED: bool> {
    type Type;
}

impl<T> ListItem<true> for (T,) {
    type Type = T;
}

/// Type-level list membership: `L` contains `T` at position `I`.
pub trait Has<T, I> {}

#[doc(hidden)]
pub struct Here;
#[doc(hidden)]
pub struct There<I>(PhantomData<I>);

impl<T, Tail> Has<T, Here> for (T, Tail) {}
impl<T, H, Tail, I> Has<T, There<I>> for (H, Tail) where Tail: Has<T, I> {}

/// `Self` is provided by a middleware of the chain `L`, so `Ctx<Self>` can be taken.
#[diagnostic::on_unimplemented(
    message = "no middleware earlier on this route, nor app-wide, provides `{Self}`",
    label = "`Ctx<{Self}>` needs a `#[middleware]` that returns `{Self}` earlier on this route",
    note = "add a provider such as `#[middleware] async fn auth(…) -> Result<{Self}, ApiError>` before what takes `Ctx<{Self}>`: in the route's `#[middleware(…)]` list, its group's, or the app-wide `routes![middleware(…); …]`; use `Option<Ctx<{Self}>>` if it may be absent"
)]
pub trait ProvidedBy<L, I> {}
#[diagnostic::do_not_recommend]
impl<T, L: Has<T, I>, I> ProvidedBy<L, I> for T {}

/// Every type of the list `Self` (a middleware's `Ctx` arguments) is provided by `L`.
#[diagnostic::on_unimplemented(
    message = "this middleware takes a context value that no middleware before it provides",
    label = "needs every type of `{Self}` from a `#[middleware]` listed before it",
    note = "list the `#[middleware]` that returns the value before this one"
)]
pub trait SatisfiedBy<L, I> {}
impl<L> SatisfiedBy<L, ()> for () {}
impl<H, T, L, I, J> SatisfiedBy<L, (I, J)> for (H, T)
where
    H: ProvidedBy<L, I>,
    T: SatisfiedBy<L, J>,
{
}

/// Compile-time check that the chain `L` provides everything in `R`.
#[inline(always)]
pub fn require_all<R: SatisfiedBy<L, I>, L, I>() {}

/// A `#[middleware]` with `#[arg]` arguments named in a list without them
/// (`#[middleware(require_role)]`): never implemented, so the mistake is reported with
/// this message.
///
/// The bound is written `(): CallWithArguments<M, S>`, its `Self` unlike the failing
/// `M: Middleware<S>`, so rustc reports this trait's message rather than `Middleware`'s.
#[diagnostic::on_unimplemented(
    message = "`{M}` is a middleware with arguments: call it in the list with them, `{M}(…)`",
    label = "`{M}` takes `#[arg]` arguments",
    note = "a `#[middleware]` with `#[arg]` parameters is configured where it is listed, as in `#[middleware(require_role(\"admin\"))]`"
)]
pub trait CallWithArguments<M, S> {}
