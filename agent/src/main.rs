fn main() {
    std::process::exit(ledgerlens::cli::main());
}
