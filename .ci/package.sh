#!/usr/bin/env bash
# The two crates as the registry would get them: packaged, unpacked outside the workspace,
# then built and their doctests run from the packages alone (no workspace, no path
# dependencies; routekit-macros comes from its own package, as it would from the registry).
set -euo pipefail
cd "$(dirname "$0")/.."

target=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
version=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json, sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "routekit"))')

cargo package -p routekit-macros -p routekit --no-verify --allow-dirty --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for crate in routekit-macros routekit; do
    tar xzf "$target/package/$crate-$version.crate" -C "$work"
done
for image in $(grep -o '!\[[^]]*\]([^)]*)' "$work/routekit-$version/README.md" | sed 's/.*(\(.*\))/\1/'); do
    case "$image" in
        http*) ;;
        *) [ -e "$work/routekit-$version/$image" ] || { echo "package.sh: the README shows $image, which is not in the package" >&2; exit 1; } ;;
    esac
done

cd "$work/routekit-$version"
# Its own target directory beside the workspace's, so a second run reuses the dependencies.
export CARGO_TARGET_DIR="$target/package-check"
patch="patch.crates-io.routekit-macros.path=\"$work/routekit-macros-$version\""
cargo build --all-features --config "$patch"
cargo test --doc --all-features --config "$patch"
echo "package.sh: routekit $version builds and passes its doctests from its package"
