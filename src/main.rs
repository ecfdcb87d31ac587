use clap::Parser;

fn main() {
    let cli = launchgate::cli::Cli::parse();
    std::process::exit(launchgate::cli::run(cli));
}
