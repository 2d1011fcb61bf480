//! The agent's own certificate authority and its leaf certificate.
//!
//! On first start the agent makes a CA (kept as `ca.pem` and `ca-key.pem`
//! in the data dir) and a leaf for `localhost`, `127.0.0.1` and `::1`
//! signed by it. The user trusts the CA once (`ledgerlens cert install`);
//! the leaf is renewed from the same CA before it expires, so trust
//! survives renewals. The CA carries name constraints and an extended key
//! usage of server authentication only: even if its key were taken, it
//! could not vouch for any name but the loopback ones, nor sign code or mail.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;

use crate::error::{Error, Kind};
use crate::i18n::Text;
use rcgen::{
    BasicConstraints, CertificateParams, CidrSubnet, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, GeneralSubtree, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    NameConstraints, SanType,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use time::{Duration, OffsetDateTime};

use crate::files::write_private;

pub const CA_FILE: &str = "ca.pem";
const CA_KEY_FILE: &str = "ca-key.pem";
const LEAF_FILE: &str = "localhost.pem";
const LEAF_KEY_FILE: &str = "localhost-key.pem";
/// When the leaf expires, in seconds since 1970 (read back at each start).
const LEAF_EXPIRY_FILE: &str = "localhost.expires";

const CA_NAME: &str = "ledgerlens local agent CA";
/// Ten years: the CA is trusted once by hand.
const CA_DAYS: i64 = 3650;
/// Under the 398 days browsers accept for a server certificate.
const LEAF_DAYS: i64 = 397;
/// Renew the leaf when fewer days than this are left.
const RENEW_DAYS: i64 = 30;

/// The certificate files of a data dir.
pub struct Certificates {
    pub ca: PathBuf,
    pub leaf: PathBuf,
    pub leaf_key: PathBuf,
    /// True when this start made or renewed the leaf.
    pub renewed: bool,
}

fn ca_params() -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, CA_NAME);
    name.push(DnType::OrganizationName, "ledgerlens");
    params.distinguished_name = name;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    // Server authentication only: a verifier that chains extended key usage
    // through the CA (Windows, OpenSSL) refuses anything it signed for code,
    // mail or time stamps, were its key ever taken.
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.name_constraints = Some(NameConstraints {
        permitted_subtrees: vec![
            GeneralSubtree::DnsName("localhost".into()),
            GeneralSubtree::IpAddress(CidrSubnet::V4([127, 0, 0, 1], [255, 255, 255, 255])),
            GeneralSubtree::IpAddress(CidrSubnet::V6(
                std::net::Ipv6Addr::LOCALHOST.octets(),
                [0xff; 16],
            )),
        ],
        excluded_subtrees: vec![],
    });
    params
}

fn leaf_params(now: OffsetDateTime) -> anyhow::Result<CertificateParams> {
    let mut params = CertificateParams::new(vec!["localhost".to_string()])?;
    params.subject_alt_names = vec![
        SanType::DnsName("localhost".try_into()?),
        SanType::IpAddress(std::net::Ipv4Addr::LOCALHOST.into()),
        SanType::IpAddress(std::net::Ipv6Addr::LOCALHOST.into()),
    ];
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    params.not_before = now - Duration::days(1);
    params.not_after = now + Duration::days(LEAF_DAYS);
    Ok(params)
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

/// Makes the CA if the data dir has none, and the leaf if it is missing or
/// expires within [`RENEW_DAYS`].
pub fn ensure(dir: &Path) -> Result<Certificates, Error> {
    ensure_at(dir, OffsetDateTime::now_utc()).map_err(certificate_error)
}

/// Certificate work is plumbing (rcgen, rustls, files) with one outcome for
/// the user: the agent cannot start its HTTPS. The steps keep anyhow's
/// context chain inside this module and say it once here.
fn certificate_error(e: anyhow::Error) -> Error {
    Error::new(
        Kind::Internal,
        "certificate",
        Text::new(
            format!("에이전트 인증서 오류: {e:#}"),
            format!("the agent's certificate: {e:#}"),
        ),
    )
}

fn ensure_at(dir: &Path, now: OffsetDateTime) -> anyhow::Result<Certificates> {
    let files = Certificates {
        ca: dir.join(CA_FILE),
        leaf: dir.join(LEAF_FILE),
        leaf_key: dir.join(LEAF_KEY_FILE),
        renewed: false,
    };
    let ca_key_path = dir.join(CA_KEY_FILE);
    let mut new_ca = false;
    if !files.ca.exists() || !ca_key_path.exists() {
        let key = KeyPair::generate()?;
        let mut params = ca_params();
        params.not_before = now - Duration::days(1);
        params.not_after = now + Duration::days(CA_DAYS);
        let cert = params.self_signed(&key)?;
        write_private(&ca_key_path, key.serialize_pem().as_bytes())?;
        std::fs::write(&files.ca, cert.pem())?;
        new_ca = true;
    }

    let expiry_path = dir.join(LEAF_EXPIRY_FILE);
    let expires = std::fs::read_to_string(&expiry_path)
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok());
    let due = match expires {
        Some(at) => at - now.unix_timestamp() < RENEW_DAYS * 86_400,
        None => true,
    };
    let leaf_present = files.leaf.exists() && files.leaf_key.exists();
    if !new_ca && !due && leaf_present {
        return Ok(files);
    }
    // The issuer is rebuilt from the CA's key and name: a leaf it signs
    // chains to the `ca.pem` the user already trusts.
    let ca_key = KeyPair::from_pem(&read(&ca_key_path)?)?;
    let issuer = Issuer::new(ca_params(), ca_key);
    let leaf_key = KeyPair::generate()?;
    let params = leaf_params(now)?;
    let leaf = params.signed_by(&leaf_key, &issuer)?;
    write_private(&files.leaf_key, leaf_key.serialize_pem().as_bytes())?;
    std::fs::write(&files.leaf, leaf.pem())?;
    std::fs::write(&expiry_path, params.not_after.unix_timestamp().to_string())?;
    Ok(Certificates {
        renewed: true,
        ..files
    })
}

/// The rustls server configuration for the leaf (HTTP/1.1 only: the add-in
/// makes a handful of large requests, not many small parallel ones).
pub fn server_config(files: &Certificates) -> Result<rustls::ServerConfig, Error> {
    rustls_config(files).map_err(certificate_error)
}

fn rustls_config(files: &Certificates) -> anyhow::Result<rustls::ServerConfig> {
    let chain = CertificateDer::pem_file_iter(&files.leaf)
        .with_context(|| format!("reading {}", files.leaf.display()))?
        .collect::<Result<Vec<_>, _>>()?;
    let key = PrivateKeyDer::from_pem_file(&files.leaf_key)
        .with_context(|| format!("reading {}", files.leaf_key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names the agent answers to: the leaf must name each.
    const LOOPBACK_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

    #[test]
    fn leaf_is_made_once_and_renewed_near_expiry_from_the_same_ca() {
        let dir = tempfile::tempdir().unwrap();
        let now = OffsetDateTime::now_utc();
        let first = ensure_at(dir.path(), now).unwrap();
        assert!(first.renewed);
        let ca = std::fs::read_to_string(&first.ca).unwrap();
        let leaf = std::fs::read_to_string(&first.leaf).unwrap();

        let again = ensure_at(dir.path(), now + Duration::days(10)).unwrap();
        assert!(!again.renewed, "a fresh leaf is kept");
        assert_eq!(std::fs::read_to_string(&again.leaf).unwrap(), leaf);

        let renewal_day = now + Duration::days(LEAF_DAYS - 5);
        let later = ensure_at(dir.path(), renewal_day).unwrap();
        assert!(later.renewed, "a leaf about to expire is renewed");
        assert_ne!(std::fs::read_to_string(&later.leaf).unwrap(), leaf);
        assert_eq!(
            std::fs::read_to_string(&later.ca).unwrap(),
            ca,
            "the CA stays"
        );
        server_config(&later).unwrap();
        for name in LOOPBACK_NAMES {
            assert_chains_to_ca(&later, name, renewal_day);
        }
    }

    /// Verifies the leaf for `name` the way a client trusting only `ca.pem` does.
    fn assert_chains_to_ca(files: &Certificates, name: &str, at: OffsetDateTime) {
        use rustls::client::danger::ServerCertVerifier;
        let mut roots = rustls::RootCertStore::empty();
        for ca in CertificateDer::pem_file_iter(&files.ca).unwrap() {
            roots.add(ca.unwrap()).unwrap();
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier =
            rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .unwrap();
        let leaf = CertificateDer::from_pem_file(&files.leaf).unwrap();
        let server_name = rustls::pki_types::ServerName::try_from(name.to_string()).unwrap();
        let at = rustls::pki_types::UnixTime::since_unix_epoch(std::time::Duration::from_secs(
            at.unix_timestamp() as u64,
        ));
        verifier
            .verify_server_cert(&leaf, &[], &server_name, &[], at)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }

    /// Signs a leaf for `purpose` with the data dir's CA, as a thief of
    /// its key would, and asks OpenSSL whether it verifies for `check`.
    fn openssl_verifies(
        dir: &Path,
        purpose: ExtendedKeyUsagePurpose,
        check: &str,
    ) -> (bool, String) {
        let issuer = Issuer::new(
            ca_params(),
            KeyPair::from_pem(&read(&dir.join(CA_KEY_FILE)).unwrap()).unwrap(),
        );
        let mut params = leaf_params(OffsetDateTime::now_utc()).unwrap();
        params.extended_key_usages = vec![purpose];
        let key = KeyPair::generate().unwrap();
        let leaf = params.signed_by(&key, &issuer).unwrap();
        let path = dir.join(format!("stolen-{check}.pem"));
        std::fs::write(&path, leaf.pem()).unwrap();
        let out = std::process::Command::new("openssl")
            .args(["verify", "-purpose", check, "-CAfile"])
            .arg(dir.join(CA_FILE))
            .arg(&path)
            .output()
            .expect("openssl is installed (.ci/run installs it)");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    }

    #[test]
    fn the_ca_signs_for_servers_only() {
        let dir = tempfile::tempdir().unwrap();
        let files = ensure(dir.path()).unwrap();
        let text = std::process::Command::new("openssl")
            .args(["x509", "-noout", "-text", "-in"])
            .arg(&files.ca)
            .output()
            .expect("openssl is installed (.ci/run installs it)");
        let text = String::from_utf8_lossy(&text.stdout);
        let eku = text
            .split("X509v3 Extended Key Usage:")
            .nth(1)
            .and_then(|rest| rest.lines().nth(1))
            .unwrap_or_else(|| panic!("the CA has an extended key usage: {text}"));
        assert_eq!(eku.trim(), "TLS Web Server Authentication");

        let (ok, text) =
            openssl_verifies(dir.path(), ExtendedKeyUsagePurpose::ServerAuth, "sslserver");
        assert!(ok, "a server leaf verifies: {text}");
        for (purpose, check) in [
            (ExtendedKeyUsagePurpose::EmailProtection, "smimesign"),
            (ExtendedKeyUsagePurpose::EmailProtection, "smimeencrypt"),
            (ExtendedKeyUsagePurpose::ClientAuth, "sslclient"),
        ] {
            let (ok, text) = openssl_verifies(dir.path(), purpose, check);
            assert!(
                !ok,
                "a {check} leaf signed by the CA must not verify: {text}"
            );
            // Refused at depth 1: by the CA's own extended key usage.
            assert!(
                text.contains("at 1 depth lookup: unsuitable certificate purpose"),
                "{check}: {text}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn private_keys_are_readable_by_the_user_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let files = ensure(dir.path()).unwrap();
        for path in [files.leaf_key, dir.path().join(CA_KEY_FILE)] {
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", path.display());
        }
    }
}
