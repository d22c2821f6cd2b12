//! Who is signed in: local accounts' passwords (argon2id), sign-in with throttling and
//! lockout, and sessions kept in the store.
//!
//! A session's token is given to the browser once and only its SHA-256 is stored. Each
//! request's check is one indexed read of the session with its account, and then the
//! workforce (in memory): the session ends at once if it has been idle too long or has
//! reached its absolute lifetime, if its account is gone, disabled, given to another member
//! of staff or has a new password (each raises the account's credentials version), or if its
//! person has left or has a new role or team since they signed in.

use std::sync::OnceLock;
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use hearth_domain::{StaffId, Timestamp};
use hearth_store::{SessionRow, SignInFailures};
use sha2::{Digest, Sha256};

use crate::{App, AppError, Principal};

/// How long sessions last, and how sign-in is throttled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInPolicy {
    /// A session ends after this long without a request.
    pub idle: Duration,
    /// A session ends this long after it began, however busy.
    pub lifetime: Duration,
    /// After this many failed sign-ins in a row an account is locked until an
    /// administrator lifts it.
    pub lockout_after: u32,
    /// Failures allowed (per account and per address) before each further attempt must
    /// wait; the wait doubles with every failure after these.
    pub free_failures: u32,
}

impl Default for SignInPolicy {
    fn default() -> Self {
        SignInPolicy {
            idle: Duration::from_secs(30 * 60),
            lifetime: Duration::from_secs(12 * 60 * 60),
            lockout_after: 10,
            free_failures: 3,
        }
    }
}

/// The longest wait throttling asks for between attempts.
const LONGEST_WAIT: Duration = Duration::from_secs(15 * 60);

/// An address's failures are forgotten after this long without another: an address may be a
/// whole office behind one gateway, so it is slowed, never locked.
const ADDRESS_MEMORY: Duration = Duration::from_secs(60 * 60);

/// How often a session's "last seen" is written: a check that writes on every request would
/// make every page a disk write.
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// Hashes a password with argon2id and a random salt, in PHC string format.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AppError::internal_message(e.to_string()))?;
    let salt =
        SaltString::encode_b64(&salt).map_err(|e| AppError::internal_message(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal_message(e.to_string()))
}

/// Whether a password matches a stored hash. A malformed hash matches nothing.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash with the same parameters as every account's, checked against when the username is
/// unknown so that an unknown username costs what a known one does.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        // The salt is fixed: nothing is protected by this hash, it only costs the same.
        SaltString::encode_b64(b"hearth-no-account")
            .ok()
            .and_then(|salt| {
                Argon2::default()
                    .hash_password(b"no account has this password", &salt)
                    .ok()
                    .map(|h| h.to_string())
            })
            .unwrap_or_default()
    })
}

/// SHA-256 of a string, in hex.
fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new random session token: 256 bits, in hex.
fn new_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::internal_message(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The anti-forgery token of the session with this token: derived, so it needs no storing,
/// and tells nothing of the token.
fn csrf_of(token: &str) -> String {
    sha256_hex(&format!("hearth anti-forgery\u{1f}{token}"))
}

/// Someone signed in, as their session's check found them.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// Who is acting, as the workforce says now.
    pub principal: Principal,
    /// The account signed in with.
    pub username: String,
    /// The session's anti-forgery token, for forms.
    pub csrf: String,
    /// The session's id on "Your sessions" (the hash of its token).
    pub session: String,
}

/// A session just started: the token is for the browser's cookie and is not kept.
#[derive(Debug)]
pub struct NewSession {
    /// For the cookie.
    pub token: String,
    /// Who signed in.
    pub signed_in: SignedIn,
}

/// What became of an attempt to sign in. The refusals say nothing of whether the username
/// exists: an unknown username is throttled and locked just as a known one is.
#[derive(Debug)]
pub enum SignInOutcome {
    /// Signed in.
    Started(NewSession),
    /// Wrong username or password, or an account that may not sign in.
    Refused,
    /// Too many failures lately: try again after this long.
    Throttled(Duration),
    /// Too many failures: an administrator must lift the lockout.
    Locked,
}

/// One of a person's sessions, as "Your sessions" lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSummary {
    /// Its id (the hash of its token).
    pub id: String,
    /// When it began.
    pub started_at: Timestamp,
    /// When it was last used.
    pub last_seen_at: Timestamp,
    /// The browser's description of itself.
    pub user_agent: String,
    /// Whether it is the session asking.
    pub current: bool,
}

fn account_subject(username: &str) -> String {
    format!("account:{username}")
}

fn address_subject(address: &str) -> String {
    format!("address:{address}")
}

fn after(t: Timestamp, d: Duration) -> Timestamp {
    let d = chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
    Timestamp::from_utc(
        t.utc()
            .checked_add_signed(d)
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC),
    )
}

fn before(t: Timestamp, d: Duration) -> Timestamp {
    let d = chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
    Timestamp::from_utc(
        t.utc()
            .checked_sub_signed(d)
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC),
    )
}

/// How long to wait after `failures` failures in a row: nothing before the `free`th, then
/// a second, doubling with each further failure, to at most [`LONGEST_WAIT`].
pub fn throttle_wait(failures: i64, free: u32) -> Duration {
    let over = failures - i64::from(free);
    if over < 0 {
        return Duration::ZERO;
    }
    let doublings = u32::try_from(over).unwrap_or(u32::MAX).min(20);
    Duration::from_secs(1u64 << doublings).min(LONGEST_WAIT)
}

impl App {
    /// Sets how long sessions last and how sign-in is throttled.
    pub fn with_sign_in_policy(mut self, policy: SignInPolicy) -> App {
        self.sign_in_policy = policy;
        self
    }

    /// How long sessions last and how sign-in is throttled.
    pub fn sign_in_policy(&self) -> SignInPolicy {
        self.sign_in_policy
    }

    /// Checks a username and password from `address`; on success starts a session in the
    /// store. A password is checked whether or not the account exists, is disabled or is a
    /// leaver's, so the time taken says nothing about which.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
        address: &str,
        user_agent: &str,
    ) -> Result<SignInOutcome, AppError> {
        let now = self.now();
        let policy = self.sign_in_policy;
        let account_key = account_subject(username);
        let address_key = address_subject(address);
        let held = self
            .store()
            .sign_in_failures(&[account_key.clone(), address_key.clone()])
            .await?;
        let failures = |key: &str| held.iter().find(|f: &&SignInFailures| f.subject == key);
        let by_account = failures(&account_key);
        let by_address =
            failures(&address_key).filter(|f| after(f.last_failure_at, ADDRESS_MEMORY) > now);
        if by_account.is_some_and(|f| f.failures >= i64::from(policy.lockout_after)) {
            return Ok(SignInOutcome::Locked);
        }
        let wait = [by_account, by_address]
            .into_iter()
            .flatten()
            .filter_map(|f| {
                let until = after(
                    f.last_failure_at,
                    throttle_wait(f.failures, policy.free_failures),
                );
                (until > now).then(|| (until.utc() - now.utc()).to_std().unwrap_or_default())
            })
            .max();
        if let Some(wait) = wait {
            return Ok(SignInOutcome::Throttled(wait));
        }
        if by_address.is_none() && failures(&address_key).is_some() {
            // Long enough ago to be forgotten: counting starts again.
            self.store().clear_sign_in_failures(&address_key).await?;
        }

        let account = self.store().account(username).await?;
        let hash = account
            .as_ref()
            .map_or_else(|| dummy_hash().to_owned(), |a| a.password_hash.clone());
        let password = password.to_owned();
        let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .map_err(|e| AppError::internal_message(e.to_string()))?;
        let principal = account.as_ref().filter(|a| !a.disabled).and_then(|a| {
            let staff = StaffId::parse(&a.staff_id).ok()?;
            Some(staff)
        });
        let principal = match principal {
            Some(staff) => self.principal(&staff).await,
            None => None,
        };
        let (Some(account), Some(principal), true) = (account, principal, matches) else {
            self.store()
                .record_sign_in_failure(&[account_key, address_key], now)
                .await?;
            return Ok(SignInOutcome::Refused);
        };
        if by_account.is_some() {
            self.store().clear_sign_in_failures(&account_key).await?;
        }
        let version = self
            .store()
            .credentials_version(&account.username)
            .await?
            .unwrap_or(0);
        let token = new_token()?;
        let row = SessionRow {
            token_hash: sha256_hex(&token),
            username: account.username.clone(),
            staff_id: principal.staff.as_str().to_owned(),
            role: principal.role.code().to_owned(),
            team_id: principal.team.as_str().to_owned(),
            credentials_version: version,
            user_agent: user_agent.chars().take(200).collect(),
            started_at: now,
            last_seen_at: now,
        };
        self.store()
            .start_session(&row, before(now, policy.lifetime), before(now, policy.idle))
            .await?;
        Ok(SignInOutcome::Started(NewSession {
            signed_in: SignedIn {
                principal,
                username: account.username,
                csrf: csrf_of(&token),
                session: row.token_hash,
            },
            token,
        }))
    }

    /// Who holds the session with this token, as the store and the workforce now say: none
    /// if it has ended for any reason (see the module's notes), and then it is removed.
    pub async fn session(&self, token: &str) -> Result<Option<SignedIn>, AppError> {
        let now = self.now();
        let policy = self.sign_in_policy;
        let token_hash = sha256_hex(token);
        let Some(check) = self.store().session(&token_hash).await? else {
            return Ok(None);
        };
        let s = &check.session;
        let account_stands = check.account.as_ref().is_some_and(|a| {
            !a.disabled
                && a.staff_id == s.staff_id
                && a.credentials_version == s.credentials_version
        });
        // Over the moment it reaches either limit.
        let fresh =
            after(s.last_seen_at, policy.idle) > now && after(s.started_at, policy.lifetime) > now;
        let principal = match StaffId::parse(&s.staff_id) {
            Ok(staff) if account_stands && fresh => self.principal(&staff).await,
            _ => None,
        };
        let Some(principal) =
            principal.filter(|p| p.role.code() == s.role && p.team.as_str() == s.team_id)
        else {
            self.store().end_session(&s.username, &token_hash).await?;
            return Ok(None);
        };
        if after(s.last_seen_at, TOUCH_EVERY) <= now {
            self.store().touch_session(&token_hash, now).await?;
        }
        Ok(Some(SignedIn {
            principal,
            username: check.session.username,
            csrf: csrf_of(token),
            session: token_hash,
        }))
    }

    /// Ends the session with this token (signing out).
    pub async fn sign_out(&self, token: &str) -> Result<(), AppError> {
        let token_hash = sha256_hex(token);
        if let Some(check) = self.store().session(&token_hash).await? {
            self.store()
                .end_session(&check.session.username, &token_hash)
                .await?;
        }
        Ok(())
    }

    /// The sessions of the person signed in, most recently used first.
    pub async fn your_sessions(&self, you: &SignedIn) -> Result<Vec<SessionSummary>, AppError> {
        let now = self.now();
        let policy = self.sign_in_policy;
        Ok(self
            .store()
            .sessions_of(&you.username)
            .await?
            .into_iter()
            // One that can no longer be used is not "where you are signed in".
            .filter(|s| {
                after(s.last_seen_at, policy.idle) > now
                    && after(s.started_at, policy.lifetime) > now
            })
            .map(|s| SessionSummary {
                current: s.token_hash == you.session,
                id: s.token_hash,
                started_at: s.started_at,
                last_seen_at: s.last_seen_at,
                user_agent: s.user_agent,
            })
            .collect())
    }

    /// Ends every session of an account (for an administrator: the caller checks
    /// `policy::may_manage_accounts`); how many there were.
    pub async fn end_account_sessions(&self, username: &str) -> Result<u64, AppError> {
        Ok(self.store().end_sessions_of(username).await?)
    }

    /// Lifts an account's lockout and forgets its failed sign-ins (for an administrator:
    /// the caller checks `policy::may_manage_accounts`).
    pub async fn lift_lockout(&self, username: &str) -> Result<(), AppError> {
        Ok(self
            .store()
            .clear_sign_in_failures(&account_subject(username))
            .await?)
    }

    /// Of these usernames, those locked by failed sign-ins.
    pub async fn locked_accounts(
        &self,
        usernames: &[String],
    ) -> Result<std::collections::HashSet<String>, AppError> {
        let subjects: Vec<String> = usernames.iter().map(|u| account_subject(u)).collect();
        let lockout = i64::from(self.sign_in_policy.lockout_after);
        Ok(self
            .store()
            .sign_in_failures(&subjects)
            .await?
            .into_iter()
            .filter(|f| f.failures >= lockout)
            .filter_map(|f| f.subject.strip_prefix("account:").map(str::to_owned))
            .collect())
    }

    /// Ends one of the signed-in person's own sessions; whether it was theirs to end.
    pub async fn end_your_session(&self, you: &SignedIn, id: &str) -> Result<bool, AppError> {
        Ok(self.store().end_session(&you.username, id).await?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct hose", &h));
        assert!(!verify_password("correct horse", "not a hash"));
        // Salted: the same password hashes differently each time.
        assert_ne!(h, hash_password("correct horse").unwrap());
    }

    #[test]
    fn the_dummy_hash_costs_what_an_account_hash_costs() {
        let real = PasswordHash::new(&hash_password("x").unwrap())
            .unwrap()
            .params
            .to_string();
        let dummy = PasswordHash::new(dummy_hash()).unwrap();
        assert_eq!(dummy.params.to_string(), real);
        assert_eq!(dummy.algorithm.as_str(), "argon2id");
    }

    #[test]
    fn throttling_waits_grow_and_stop_growing() {
        assert_eq!(throttle_wait(0, 3), Duration::ZERO);
        assert_eq!(throttle_wait(2, 3), Duration::ZERO);
        assert_eq!(throttle_wait(3, 3), Duration::from_secs(1));
        assert_eq!(throttle_wait(4, 3), Duration::from_secs(2));
        assert_eq!(throttle_wait(7, 3), Duration::from_secs(16));
        assert_eq!(throttle_wait(500, 3), LONGEST_WAIT);
    }

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_ne!(sha256_hex(&a), a);
        assert_ne!(
            csrf_of(&a),
            sha256_hex(&a),
            "the form token is not the session's id"
        );
    }
}
