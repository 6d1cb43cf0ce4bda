fn main() {
    // The Node-API link setup only matters for the addon (feature `node`, on by default).
    if std::env::var_os("CARGO_FEATURE_NODE").is_some() {
        napi_build::setup();
    }
}
