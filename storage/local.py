"""Object store on the local filesystem, with HMAC-signed URLs served by a web route.

The object ``a/b.pdf`` lives at ``root/a/b.pdf``, its content type, metadata and etag
in ``root/.meta/a/b.pdf.json``. Keys have no dot-prefixed segments, so ``.meta`` and
the ``.*.tmp`` files of a put in progress never collide with an object.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import stat as stat_module
import tempfile
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from storage.base import (
    DEFAULT_CONTENT_TYPE,
    ObjectInfo,
    ObjectNotFound,
    ObjectStore,
    SignatureExpired,
    SignatureInvalid,
    SizedReader,
    StorageAccessDenied,
    StorageError,
    StorageUnavailable,
    check_put,
    validate_expiry,
    validate_key,
    validate_prefix,
)

META_DIR = ".meta"
_CHUNK = 1024 * 1024
# Domain separation: the secret may be shared with other signers (e.g. the app's
# SECRET_KEY), so a signature made here must mean nothing anywhere else.
_SIGNATURE_CONTEXT = "storage.local.v1"
_SIGNABLE_METHODS = {"GET", "PUT"}
# ASCII digits only: str.isdigit() also accepts "²", which int() then rejects.
_DEADLINE = re.compile(r"[0-9]{1,12}")


def _map_os_error(exc: OSError, key: str) -> StorageError:
    """Translate a filesystem error on ``key`` into the package's exceptions."""
    if isinstance(exc, (FileNotFoundError, IsADirectoryError, NotADirectoryError)):
        return ObjectNotFound(key)
    if isinstance(exc, PermissionError):
        return StorageAccessDenied(f"permission denied for {key!r}: {exc}")
    return StorageUnavailable(f"filesystem error for {key!r}: {exc}")


class LocalStore(ObjectStore):
    """ObjectStore keeping objects as plain files below ``root``."""

    def __init__(self, root: str | Path, url_base: str, secret: str) -> None:
        """Configure the store; nothing is created before ``ensure_ready``."""
        if not isinstance(secret, str) or not secret:
            raise ValueError("LocalStore needs a non-empty secret to sign URLs")
        self.root = Path(root).expanduser().absolute()
        self._meta_root = self.root / META_DIR  # Sidecars: <root>/.meta/<key>.json
        self.url_base = url_base.rstrip("/")
        self._secret = secret.encode("utf-8")

    def put(
        self,
        key: str,
        stream: BinaryIO,
        length: int,
        content_type: str,
        metadata: Mapping[str, str] | None = None,
    ) -> ObjectInfo:
        """Stream into a temp file beside the target, then rename it into place.

        Nothing becomes visible unless all ``length`` bytes arrived; an exception
        raised by ``stream`` itself is re-raised unchanged.
        """
        meta = check_put(key, length, content_type, metadata)
        data_path, meta_path = self.root / key, self._meta_root / f"{key}.json"
        reader = SizedReader(stream, length)
        temps: list[str] = []
        done = False
        try:
            self._write(reader, key, {"content_type": content_type, "metadata": meta}, temps)
            done = True
        except OSError as exc:
            if exc is reader.stream_error:
                raise  # The caller's stream failed: that is the caller's error.
            if isinstance(exc, (FileExistsError, NotADirectoryError, IsADirectoryError)):
                # On a filesystem "a" cannot be both an object and a folder ("a/b").
                raise StorageError(f"key {key!r} collides with an existing object/prefix") from exc
            if isinstance(exc, FileNotFoundError):
                # Only a concurrent delete pruning our fresh folder gets here.
                raise StorageUnavailable(f"folder vanished while writing {key!r}") from exc
            raise _map_os_error(exc, key) from exc
        finally:
            for leftover in temps:
                Path(leftover).unlink(missing_ok=True)
            if not done:  # Drop the folders we may have created for nothing.
                self._prune(data_path.parent, self.root)
                self._prune(meta_path.parent, self._meta_root)
        return self.stat(key)

    def _write(self, reader: SizedReader, key: str, sidecar: dict, temps: list[str]) -> None:
        """Write data and sidecar to temp files, then rename both into place.

        ``temps`` lists the temp files not yet renamed, for the caller to clean up.
        """
        data_path, meta_path = self.root / key, self._meta_root / f"{key}.json"
        data_path.parent.mkdir(parents=True, exist_ok=True)
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.md5(usedforsecurity=False)
        fd, data_tmp = tempfile.mkstemp(dir=data_path.parent, prefix=".", suffix=".tmp")
        temps.append(data_tmp)
        with os.fdopen(fd, "wb") as out:
            while chunk := reader.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            # Durability: the rename below must not publish a file still in cache.
            os.fsync(out.fileno())
        sidecar["etag"] = digest.hexdigest()
        fd, meta_tmp = tempfile.mkstemp(dir=meta_path.parent, prefix=".", suffix=".tmp")
        temps.append(meta_tmp)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(sidecar, out)
        # Data first: a crash between the two renames leaves new bytes with the old
        # sidecar, which stat tolerates, rather than a sidecar without data.
        os.replace(data_tmp, data_path)
        temps.remove(data_tmp)
        os.replace(meta_tmp, meta_path)
        temps.remove(meta_tmp)

    def delete(self, key: str) -> None:
        """Remove the object and its sidecar, then prune folders left empty."""
        validate_key(key)
        for path, top in (
            (self.root / key, self.root),
            (self._meta_root / f"{key}.json", self._meta_root),
        ):
            try:
                path.unlink()
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                pass  # Idempotent: a missing object (or a mere folder) is fine.
            except OSError as exc:
                raise _map_os_error(exc, key) from exc
            self._prune(path.parent, top)

    @staticmethod
    def _prune(folder: Path, top: Path) -> None:
        """Remove empty folders from ``folder`` up to (excluding) ``top``."""
        # Otherwise "a" could never be stored again after "a/b" was deleted.
        while folder != top and top in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                return  # Not empty (or raced with a writer): stop here.
            folder = folder.parent

    def open(self, key: str) -> BinaryIO:
        """Open the object file for binary reading."""
        validate_key(key)
        try:
            # Returned open on purpose: the caller reads and closes it.
            return open(self.root / key, "rb")
        except OSError as exc:
            raise _map_os_error(exc, key) from exc

    def stat(self, key: str) -> ObjectInfo:
        """Combine the file's size and mtime with the sidecar's other fields."""
        return self._stat(validate_key(key))

    def _stat(self, key: str) -> ObjectInfo:
        """stat() for a key that is already known to be valid."""
        try:
            st = os.stat(self.root / key)
        except OSError as exc:
            raise _map_os_error(exc, key) from exc
        if not stat_module.S_ISREG(st.st_mode):
            raise ObjectNotFound(key)
        sidecar = self._read_sidecar(key)
        return ObjectInfo(
            key=key,
            size=st.st_size,
            content_type=sidecar.get("content_type") or DEFAULT_CONTENT_TYPE,
            etag=sidecar.get("etag"),
            last_modified=datetime.fromtimestamp(st.st_mtime, tz=UTC),
            metadata=dict(sidecar.get("metadata") or {}),
        )

    def _read_sidecar(self, key: str) -> dict:
        """Return the sidecar dict; {} if absent or unreadable (defaults apply)."""
        try:
            data = json.loads((self._meta_root / f"{key}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Walk the folder holding ``prefix`` and yield matching objects in key order."""
        validate_prefix(prefix)
        folder, _, _ = prefix.rpartition("/")
        start = self.root / folder if folder else self.root
        for key in self._walk(start, f"{folder}/" if folder else ""):
            if not key.startswith(prefix):
                continue
            try:
                yield self._stat(key)
            except ObjectNotFound:
                continue  # Deleted while we were listing.

    def _walk(self, folder: Path, key_prefix: str) -> Iterator[str]:
        """Yield the keys of all regular files below ``folder`` in sorted order."""
        try:
            with os.scandir(folder) as scan:
                entries = [e for e in scan if not e.name.startswith(".")]
        except (FileNotFoundError, NotADirectoryError):
            return
        except OSError as exc:
            raise _map_os_error(exc, key_prefix or "/") from exc
        # Sorting folders as "name/" yields the same order as sorting full keys,
        # so the walk streams results without collecting them all first.
        entries.sort(key=lambda e: e.name + "/" if e.is_dir(follow_symlinks=False) else e.name)
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from self._walk(Path(entry.path), f"{key_prefix}{entry.name}/")
            elif entry.is_file(follow_symlinks=False):
                yield f"{key_prefix}{entry.name}"

    # -- signed URLs -----------------------------------------------------------

    def _sign(self, method: str, key: str, expires: int) -> str:
        """Return the hex HMAC-SHA256 binding method, key and expiry time."""
        payload = f"{_SIGNATURE_CONTEXT}\n{method}\n{key}\n{expires}".encode()
        return hmac.new(self._secret, payload, hashlib.sha256).hexdigest()

    def _signed_url(self, method: str, key: str, expires: timedelta) -> str:
        """Build ``{url_base}/{key}?expires=..&signature=..`` for ``method``."""
        validate_key(key)
        deadline = int(time.time()) + validate_expiry(expires)
        signature = self._sign(method, key, deadline)
        # Valid keys only hold URL-safe characters, so no quoting is needed.
        return f"{self.url_base}/{key}?expires={deadline}&signature={signature}"

    def presigned_get_url(self, key: str, expires: timedelta) -> str:
        """Return a signed download URL for the web route to verify."""
        return self._signed_url("GET", key, expires)

    def presigned_put_url(self, key: str, expires: timedelta) -> str:
        """Return a signed upload URL for the web route to verify."""
        return self._signed_url("PUT", key, expires)

    def verify_signature(self, method: str, key: str, expires: str, signature: str) -> None:
        """Check a signed URL's parts; raise SignatureInvalid or SignatureExpired.

        HEAD is accepted wherever GET is, as web frameworks answer HEAD with the
        GET handler. The signature is checked before the expiry so that a forged
        URL never learns whether its deadline would have been accepted.
        """
        method = method.upper() if isinstance(method, str) else ""
        method = "GET" if method == "HEAD" else method
        if method not in _SIGNABLE_METHODS:
            raise SignatureInvalid(f"method {method!r} cannot be signed")
        try:
            validate_key(key)
        except StorageError as exc:
            raise SignatureInvalid("malformed key in signed URL") from exc
        if not (isinstance(expires, str) and isinstance(signature, str)):
            raise SignatureInvalid("malformed signed URL")
        if not _DEADLINE.fullmatch(expires):
            raise SignatureInvalid("malformed expiry in signed URL")
        expected = self._sign(method, key, int(expires))
        if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
            raise SignatureInvalid("signature does not match")
        if time.time() > int(expires):
            raise SignatureExpired("signed URL has expired")

    def ping(self) -> None:
        """Raise StorageUnavailable unless the root and sidecar folders are writable."""
        for folder in (self.root, self._meta_root):
            if not (folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)):
                raise StorageUnavailable(f"storage folder missing or not writable: {folder}")

    def ensure_ready(self) -> None:
        """Create the root and sidecar folders if they are missing."""
        try:
            self._meta_root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageUnavailable(f"cannot create storage folder {self.root}: {exc}") from exc
