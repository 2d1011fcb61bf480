//! `ledgerlens cert install`: trusts the agent's CA for the current user.
//! Windows and macOS have a per-user store a program may add to (each asks
//! the user to confirm); on Linux the right store depends on the browser,
//! so the agent says what to run instead of guessing.

use std::path::Path;
use std::process::Command;

use crate::error::{Error, Kind};
use crate::i18n::{Lang, Text};

fn run(command: &mut Command) -> Result<(), Error> {
    let shown = format!("{command:?}");
    let status = command.status().map_err(|e| {
        Error::new(
            Kind::Internal,
            "trust_failed",
            Text::new(
                format!("{shown} 실행 실패: {e}"),
                format!("could not run {shown}: {e}"),
            ),
        )
    })?;
    if !status.success() {
        return Err(Error::new(
            Kind::Internal,
            "trust_failed",
            Text::new(
                format!("{shown} 실패 ({status})"),
                format!("{shown} failed ({status})"),
            ),
        ));
    }
    Ok(())
}

/// Trusts `ca` for the current user, or prints how to on Linux.
pub fn install(ca: &Path, lang: Lang) -> Result<(), Error> {
    if cfg!(target_os = "windows") {
        // The current user's Root store; Windows asks the user to confirm.
        run(Command::new("certutil")
            .args(["-user", "-addstore", "Root"])
            .arg(ca))?;
    } else if cfg!(target_os = "macos") {
        let home = std::env::var_os("HOME").unwrap_or_default();
        let keychain = Path::new(&home).join("Library/Keychains/login.keychain-db");
        run(Command::new("security")
            .args(["add-trusted-cert", "-r", "trustRoot", "-k"])
            .arg(keychain)
            .arg(ca))?;
    } else {
        print_linux_steps(ca, lang);
        return Ok(());
    }
    println!(
        "{} {}",
        crate::i18n::pick(
            lang,
            "인증서를 신뢰하도록 등록했습니다:",
            "trusted the certificate:"
        ),
        ca.display()
    );
    Ok(())
}

fn print_linux_steps(ca: &Path, lang: Lang) {
    let ca = ca.display();
    match lang {
        Lang::Ko => {
            println!("Linux에서는 사용하는 브라우저의 인증서 저장소에 직접 등록하세요:");
            println!("  Chrome/Chromium (현재 사용자, libnss3-tools 필요):");
            println!("    certutil -d sql:$HOME/.pki/nssdb -A -t \"C,,\" -n ledgerlens -i {ca}");
            println!("  Firefox: 설정 > 개인 정보 및 보안 > 인증서 보기 > 가져오기 > {ca}");
            println!("  시스템 전체 (관리자 권한):");
            println!("    sudo cp {ca} /usr/local/share/ca-certificates/ledgerlens.crt && sudo update-ca-certificates");
        }
        Lang::En => {
            println!("On Linux, add the certificate to your browser's store yourself:");
            println!("  Chrome/Chromium (current user, needs libnss3-tools):");
            println!("    certutil -d sql:$HOME/.pki/nssdb -A -t \"C,,\" -n ledgerlens -i {ca}");
            println!(
                "  Firefox: Settings > Privacy & Security > View Certificates > Import > {ca}"
            );
            println!("  System-wide (needs root):");
            println!("    sudo cp {ca} /usr/local/share/ca-certificates/ledgerlens.crt && sudo update-ca-certificates");
        }
    }
}
