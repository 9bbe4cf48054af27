//! One module per subcommand.

pub mod complaints;
pub mod correction;
pub mod db;
pub mod device;
pub mod evaluate;
pub mod hj212;
pub mod import;
pub mod journal;
pub mod permit;
pub mod serve;
pub mod simulate;
pub mod targets;
pub mod user;

/// Who ran a command, for the audit log: `cli:` and the operating system's name of the effective user
/// (not `$USER`, which the caller sets at will), or `uid N` when the user has no name.
pub fn cli_actor() -> String {
    format!("cli:{}", os_user())
}

#[cfg(unix)]
fn os_user() -> String {
    // SAFETY: geteuid cannot fail; getpwuid_r writes only into the buffers given, whose sizes it is told.
    unsafe {
        let uid = libc::geteuid();
        let mut pwd: libc::passwd = std::mem::zeroed();
        let mut buf = vec![0 as libc::c_char; 4096];
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let rc = libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result);
        if rc == 0 && !result.is_null() && !pwd.pw_name.is_null() {
            let name = std::ffi::CStr::from_ptr(pwd.pw_name)
                .to_string_lossy()
                .into_owned();
            return name;
        }
        format!("uid {uid}")
    }
}

#[cfg(not(unix))]
fn os_user() -> String {
    "unknown".into()
}
