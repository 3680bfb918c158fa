# Recipes for contributors. Each is a plain cargo command; `just` is optional.

# Run the bundled teaching scenario (integrated regime extension), replacing its earlier log.
run scenario="scenarios/teaching/extension_integrated.yaml":
    cargo run --release -- run {{scenario}} --force

# The test suite, as CI runs it.
test:
    cargo test --workspace

# Check every bundled scenario's expectations.
check:
    cargo run --release -- check scenarios

# Formatting and lints, as CI runs them.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# Everything CI runs.
ci:
    bash .ci/run

# Review changed insta snapshots.
review:
    cargo insta review

# The benchmark (not a test): population through the services and the store.
bench residents="100000" seed="1":
    cargo run --release -- bench --residents {{residents}} --seed {{seed}}

# Rewrite the teaching report's reviewed screenshots (tests/screenshots/, copied to docs/img/) from the
# current build in headless Chromium at a projector's two sizes; look at them before committing.
screenshots:
    ZAIRYU_UPDATE_SCREENSHOTS=1 cargo test -p zairyu-tests --test teaching html_report_in_headless_chromium
