//! Every sentence the AppImage's runtime and builder write to stderr: Chinese first, the English
//! beside it, as the rest of the desk says things. Only sentences here; no logic.

use std::fmt::Display;
use std::path::Path;

pub(crate) fn not_elf(path: &Path) -> String {
    format!(
        "{} 不是 64 位 ELF 程序，不能作为 AppImage 的运行部分。 ({0} is not a 64-bit little-endian ELF program and cannot be an AppImage runtime.)",
        path.display()
    )
}

pub(crate) fn no_magic(path: &Path) -> String {
    format!(
        "{} 不是 AppImage 文件（缺少类型 2 标记），可能已损坏，请重新下载安装包。 ({0} is not an AppImage (no type 2 magic); it may be damaged: download the package again.)",
        path.display()
    )
}

pub(crate) fn runtime_not_whole(path: &Path, elf_end: u64, len: u64) -> String {
    format!(
        "运行部分 {} 的 ELF 结构在第 {elf_end} 字节结束，而文件长 {len} 字节，不能在其后接文件系统。 (The runtime {0} ends its ELF at byte {elf_end} but the file is {len} bytes: no image can follow it.)",
        path.display()
    )
}

pub(crate) fn image_unreadable(path: &Path, detail: &str) -> String {
    format!(
        "无法读取 {} 中的程序文件（{detail}），安装包可能已损坏，请重新下载。 (Cannot read the files inside {0} ({detail}); the package may be damaged: download it again.)",
        path.display()
    )
}

pub(crate) fn escapes(path: &Path) -> String {
    format!(
        "安装包中的条目 {} 指向解压目录之外，已拒绝解压；此文件不可信。 (The entry {0} in the package points outside the folder it is extracted into: refused; do not trust this file.)",
        path.display()
    )
}

pub(crate) fn bundle_marker(path: &Path, found: usize) -> String {
    format!(
        "{} 中的 Tauri 打包类型标记应恰好出现一次，实际 {found} 次，无法标记为 AppImage。 (The Tauri bundle-type marker should be in {0} exactly once, found {found} times: cannot mark it as an AppImage.)",
        path.display()
    )
}

pub(crate) fn no_cache_home() -> String {
    "未设置 HOME 或 XDG_CACHE_HOME，无处解压程序文件。 (Neither HOME nor XDG_CACHE_HOME is set: there is nowhere to extract the program.)".to_owned()
}

pub(crate) fn cache_not_ours(path: &Path) -> String {
    format!(
        "缓存目录 {} 不属于当前用户或不是目录，为安全起见不在其中运行程序。 (The cache folder {0} is not a folder of this user: the program is not run from it.)",
        path.display()
    )
}

pub(crate) fn extract_target_exists(path: &Path) -> String {
    format!(
        "{} 已存在，请先移走再解压。 ({0} exists already: move it away, then extract again.)",
        path.display()
    )
}

pub(crate) fn io(path: &Path, e: &std::io::Error) -> String {
    format!("读写 {} 失败：{e} (Cannot read or write {0}: {e})", path.display())
}

/// The runtime could not start the program it extracted.
pub fn exec_failed(path: &Path, e: &std::io::Error) -> String {
    format!("无法启动 {}：{e} (Cannot start {0}: {e})", path.display())
}

/// The runtime's own path is unknown (no /proc?).
pub fn own_path(e: &std::io::Error) -> String {
    format!("无法确定本 AppImage 文件的位置：{e} (Cannot find where this AppImage file is: {e})")
}

/// The builder's usage, on a wrong argument.
pub fn builder_usage(detail: impl Display) -> String {
    format!(
        "{detail}\n用法 (usage): certdesk-appimage --runtime RUNTIME --appdir APPDIR --output FILE.AppImage [--mark-bundle usr/bin/PROGRAM]"
    )
}
