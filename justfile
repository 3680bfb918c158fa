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

# Screenshots of the teaching report at a projector's two sizes, into docs/img/ (needs Chromium).
screenshots:
    cargo run -q -p zairyu -- explain scenarios/teaching/extension_integrated.yaml --format html --out target/report.html
    for size in 1024x768 1920x1080; do chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=$(echo $size | tr x ,) --screenshot=docs/img/report-$size.png "file://$PWD/target/report.html#step=8"; done
