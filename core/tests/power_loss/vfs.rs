//! A crash-simulating SQLite VFS, as in SQLite's own crash tests: it wraps the default "unix"
//! VFS and is registered as the default in this test process, so every connection
//! LicenseDesk opens goes through it. Each step that changes a file (a write, a truncation, a
//! sync, a file created or deleted) is reported to the disk model (disk.rs) before it goes to
//! the real file; once the model says the power is off, every step and every read fails with
//! SQLITE_IOERR, as on a machine whose disk is gone. The shared-memory index (-shm) and locks
//! pass through untouched: they do not outlive a power cut anyway.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::path::{Path, PathBuf};
use std::ptr;
use std::sync::OnceLock;

use rusqlite::ffi;

use super::disk::Op;
use super::DISK;

/// The real "unix" VFS this one wraps.
struct Inner(*mut ffi::sqlite3_vfs);
// SAFETY: the VFS object is static in SQLite and thread-safe by SQLite's contract.
unsafe impl Send for Inner {}
unsafe impl Sync for Inner {}
static INNER: OnceLock<Inner> = OnceLock::new();

fn inner() -> *mut ffi::sqlite3_vfs {
    INNER.get().expect("registered").0
}

#[repr(C)]
struct File {
    base: ffi::sqlite3_file,
    /// The unix VFS's file, allocated with its size.
    real: *mut ffi::sqlite3_file,
    real_layout: std::alloc::Layout,
    /// None for SQLite's nameless temporary files (not modelled).
    path: Option<PathBuf>,
    /// Created as a journal or log: its first sync also syncs its folder (as unix does).
    dir_sync: bool,
}

unsafe fn file<'a>(f: *mut ffi::sqlite3_file) -> &'a mut File {
    &mut *(f as *mut File)
}

unsafe fn methods(real: *mut ffi::sqlite3_file) -> &'static ffi::sqlite3_io_methods {
    &*(*real).pMethods
}

/// Registers the VFS as the default, once.
pub fn register() {
    INNER.get_or_init(|| unsafe {
        let unix = ffi::sqlite3_vfs_find(c"unix".as_ptr());
        assert!(!unix.is_null(), "the unix VFS");
        let mut vfs: ffi::sqlite3_vfs = *unix;
        vfs.zName = c"powercut".as_ptr();
        vfs.szOsFile = size_of::<File>() as c_int;
        vfs.pNext = ptr::null_mut();
        vfs.xOpen = Some(x_open);
        vfs.xDelete = Some(x_delete);
        let vfs = Box::leak(Box::new(vfs));
        assert_eq!(ffi::sqlite3_vfs_register(vfs, 1), ffi::SQLITE_OK);
        Inner(unix)
    });
}

static METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    iVersion: 2,
    xClose: Some(x_close),
    xRead: Some(x_read),
    xWrite: Some(x_write),
    xTruncate: Some(x_truncate),
    xSync: Some(x_sync),
    xFileSize: Some(x_file_size),
    xLock: Some(x_lock),
    xUnlock: Some(x_unlock),
    xCheckReservedLock: Some(x_check_reserved_lock),
    xFileControl: Some(x_file_control),
    xSectorSize: Some(x_sector_size),
    xDeviceCharacteristics: Some(x_device_characteristics),
    xShmMap: Some(x_shm_map),
    xShmLock: Some(x_shm_lock),
    xShmBarrier: Some(x_shm_barrier),
    xShmUnmap: Some(x_shm_unmap),
    xFetch: None,
    xUnfetch: None,
};

fn power_on() -> bool {
    DISK.lock().unwrap().on
}

unsafe extern "C" fn x_open(
    _vfs: *mut ffi::sqlite3_vfs,
    name: ffi::sqlite3_filename,
    f: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    let me = f as *mut File;
    (*me).base.pMethods = ptr::null();
    let path = (!name.is_null()).then(|| PathBuf::from(CStr::from_ptr(name).to_str().unwrap()));
    let unix = inner();
    let layout = std::alloc::Layout::from_size_align((*unix).szOsFile as usize, 16).unwrap();
    let creates =
        path.as_ref().is_some_and(|p| !p.exists()) && flags & ffi::SQLITE_OPEN_CREATE != 0;
    {
        let mut disk = DISK.lock().unwrap();
        if !disk.on || (creates && !disk.step()) {
            return ffi::SQLITE_CANTOPEN;
        }
        if creates {
            disk.name_changes(path.as_ref().unwrap());
        }
    }
    let real = std::alloc::alloc_zeroed(layout) as *mut ffi::sqlite3_file;
    let rc = ((*unix).xOpen.unwrap())(unix, name, real, flags, out_flags);
    if rc != ffi::SQLITE_OK {
        if !(*real).pMethods.is_null() {
            (methods(real).xClose.unwrap())(real);
        }
        std::alloc::dealloc(real as *mut u8, layout);
        return rc;
    }
    let kind = flags & 0x0FFF00;
    let journal = [
        ffi::SQLITE_OPEN_MAIN_JOURNAL,
        ffi::SQLITE_OPEN_SUPER_JOURNAL,
        ffi::SQLITE_OPEN_WAL,
    ]
    .contains(&kind);
    ptr::write(
        me,
        File {
            base: ffi::sqlite3_file { pMethods: &METHODS },
            real,
            real_layout: layout,
            path,
            dir_sync: creates && journal,
        },
    );
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_delete(
    _vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    sync_dir: c_int,
) -> c_int {
    let path = PathBuf::from(CStr::from_ptr(name).to_str().unwrap());
    let mut disk = DISK.lock().unwrap();
    if !disk.step() {
        return ffi::SQLITE_IOERR_DELETE;
    }
    disk.removed(&path);
    let unix = inner();
    let rc = ((*unix).xDelete.unwrap())(unix, name, sync_dir);
    if rc == ffi::SQLITE_OK && sync_dir != 0 {
        disk.dir_synced(path.parent().unwrap());
    }
    rc
}

unsafe extern "C" fn x_close(f: *mut ffi::sqlite3_file) -> c_int {
    let me = file(f);
    let rc = (methods(me.real).xClose.unwrap())(me.real);
    std::alloc::dealloc(me.real as *mut u8, me.real_layout);
    ptr::drop_in_place(&mut me.path);
    rc
}

unsafe extern "C" fn x_read(
    f: *mut ffi::sqlite3_file,
    buf: *mut c_void,
    amount: c_int,
    offset: ffi::sqlite3_int64,
) -> c_int {
    if !power_on() {
        return ffi::SQLITE_IOERR_READ;
    }
    let me = file(f);
    (methods(me.real).xRead.unwrap())(me.real, buf, amount, offset)
}

/// Reads `len` bytes at `at` from the real file (zeros past its end).
unsafe fn read_real(real: *mut ffi::sqlite3_file, at: u64, len: u64) -> Vec<u8> {
    let mut buf = vec![0u8; len as usize];
    let rc = (methods(real).xRead.unwrap())(
        real,
        buf.as_mut_ptr() as *mut c_void,
        len as c_int,
        at as i64,
    );
    assert!(
        rc == ffi::SQLITE_OK || rc == ffi::SQLITE_IOERR_SHORT_READ,
        "reading the old content: {rc}"
    );
    buf
}

unsafe extern "C" fn x_write(
    f: *mut ffi::sqlite3_file,
    buf: *const c_void,
    amount: c_int,
    offset: ffi::sqlite3_int64,
) -> c_int {
    let me = file(f);
    let mut disk = DISK.lock().unwrap();
    if !disk.step() {
        return ffi::SQLITE_IOERR_WRITE;
    }
    if let Some(path) = &me.path {
        let (offset, len) = (offset as u64, amount as u64);
        let pending = disk.files.entry(path.clone()).or_insert_with(|| {
            let mut size = 0;
            (methods(me.real).xFileSize.unwrap())(me.real, &mut size);
            super::disk::Pending {
                synced_len: size as u64,
                ..Default::default()
            }
        });
        for (at, n) in pending.unsaved(offset, len) {
            let old = read_real(me.real, at, n);
            pending.saved.insert(at, old);
        }
        let data = std::slice::from_raw_parts(buf as *const u8, amount as usize).to_vec();
        pending.ops.push(Op::Write { offset, data });
    }
    (methods(me.real).xWrite.unwrap())(me.real, buf, amount, offset)
}

unsafe extern "C" fn x_truncate(f: *mut ffi::sqlite3_file, size: ffi::sqlite3_int64) -> c_int {
    let me = file(f);
    let mut disk = DISK.lock().unwrap();
    if !disk.step() {
        return ffi::SQLITE_IOERR_TRUNCATE;
    }
    if let Some(path) = &me.path {
        let mut current = 0;
        (methods(me.real).xFileSize.unwrap())(me.real, &mut current);
        let pending = disk
            .files
            .entry(path.clone())
            .or_insert_with(|| super::disk::Pending {
                synced_len: current as u64,
                ..Default::default()
            });
        let size = size as u64;
        if size < pending.synced_len {
            for (at, n) in pending.unsaved(size, pending.synced_len - size) {
                let old = read_real(me.real, at, n);
                pending.saved.insert(at, old);
            }
        }
        pending.ops.push(Op::Truncate { size });
    }
    (methods(me.real).xTruncate.unwrap())(me.real, size)
}

unsafe extern "C" fn x_sync(f: *mut ffi::sqlite3_file, flags: c_int) -> c_int {
    let me = file(f);
    let mut disk = DISK.lock().unwrap();
    if !disk.step() {
        return ffi::SQLITE_IOERR_FSYNC;
    }
    // The model keeps what a sync makes durable; the real disk's sync would only cost time.
    let _ = flags;
    let rc = ffi::SQLITE_OK;
    if rc == ffi::SQLITE_OK {
        if let Some(path) = &me.path {
            let mut size = 0;
            (methods(me.real).xFileSize.unwrap())(me.real, &mut size);
            disk.file_synced(path, size as u64);
            if me.dir_sync {
                me.dir_sync = false;
                disk.dir_synced(path.parent().unwrap_or(Path::new(".")));
            }
        }
    }
    rc
}

unsafe extern "C" fn x_file_size(
    f: *mut ffi::sqlite3_file,
    size: *mut ffi::sqlite3_int64,
) -> c_int {
    let me = file(f);
    (methods(me.real).xFileSize.unwrap())(me.real, size)
}

unsafe extern "C" fn x_lock(f: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    let me = file(f);
    (methods(me.real).xLock.unwrap())(me.real, level)
}

unsafe extern "C" fn x_unlock(f: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    let me = file(f);
    (methods(me.real).xUnlock.unwrap())(me.real, level)
}

unsafe extern "C" fn x_check_reserved_lock(f: *mut ffi::sqlite3_file, out: *mut c_int) -> c_int {
    let me = file(f);
    (methods(me.real).xCheckReservedLock.unwrap())(me.real, out)
}

unsafe extern "C" fn x_file_control(
    f: *mut ffi::sqlite3_file,
    op: c_int,
    arg: *mut c_void,
) -> c_int {
    let me = file(f);
    // Size hints would grow the file behind the model's back; they are only hints.
    if op == ffi::SQLITE_FCNTL_SIZE_HINT {
        return ffi::SQLITE_OK;
    }
    (methods(me.real).xFileControl.unwrap())(me.real, op, arg)
}

unsafe extern "C" fn x_sector_size(f: *mut ffi::sqlite3_file) -> c_int {
    let me = file(f);
    (methods(me.real).xSectorSize.unwrap())(me.real)
}

unsafe extern "C" fn x_device_characteristics(f: *mut ffi::sqlite3_file) -> c_int {
    let me = file(f);
    (methods(me.real).xDeviceCharacteristics.unwrap())(me.real)
}

unsafe extern "C" fn x_shm_map(
    f: *mut ffi::sqlite3_file,
    page: c_int,
    size: c_int,
    extend: c_int,
    out: *mut *mut c_void,
) -> c_int {
    let me = file(f);
    (methods(me.real).xShmMap.unwrap())(me.real, page, size, extend, out)
}

unsafe extern "C" fn x_shm_lock(
    f: *mut ffi::sqlite3_file,
    offset: c_int,
    n: c_int,
    flags: c_int,
) -> c_int {
    let me = file(f);
    (methods(me.real).xShmLock.unwrap())(me.real, offset, n, flags)
}

unsafe extern "C" fn x_shm_barrier(f: *mut ffi::sqlite3_file) {
    let me = file(f);
    (methods(me.real).xShmBarrier.unwrap())(me.real)
}

unsafe extern "C" fn x_shm_unmap(f: *mut ffi::sqlite3_file, delete: c_int) -> c_int {
    let me = file(f);
    (methods(me.real).xShmUnmap.unwrap())(me.real, delete)
}
