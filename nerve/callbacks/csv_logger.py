"""`CSVLogger`: one row of epoch logs per epoch in a CSV file."""

import contextlib
import csv
import io
import os

import numpy as np

from nerve.callbacks.base import Callback


def _cell(value):
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value[()]
    if hasattr(value, "__iter__"):
        return f"[{', '.join(map(str, value))}]"
    return value


def _fsync_folder(folder):
    # Makes a new file's name durable; not every platform can open a folder.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class CSVLogger(Callback):
    """Streams epoch results to a CSV file, as tf-keras 2.x does.

    The first row is a header: `epoch` (counted from 0), then the log keys of
    the first epoch, sorted; when none of them starts with `val_` (validation
    not run yet, e.g. `validation_freq > 1`), a `val_` column per key is added
    so later validation results have a place. Keys missing from a row are
    written `NA`; keys that first appear after the header are not written.

    With `append=True` rows go after an existing file's; a header is written
    only if the file is empty, and the columns of the header already there are
    kept, so resumed runs line up.

    Crash safety: every row is appended with one `write`, flushed and
    `fsync`ed before the epoch ends, so each finished epoch is on disk. This is
    preferred over rewriting the whole file through an atomic replace: the
    cost per epoch stays constant however long the run, the file keeps its
    inode and permissions (`tail -f` keeps following it) and no temporary
    files are left behind. A crash can at worst leave a torn last line; when
    appending, the logger cuts such a line off before writing.

    Args:
        filename: the CSV file (its folder is created if missing).
        separator: the one-character column separator.
        append: append to an existing file instead of overwriting it.

    Example:
    >>> logger = CSVLogger("training.log", separator=";", append=True)
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        if not isinstance(separator, str) or len(separator) != 1:
            raise ValueError(
                "CSVLogger's separator must be one character, e.g. ',' or ';'. "
                f"Received: separator={separator!r}"
            )
        self.filename = os.fspath(filename)
        if os.path.isdir(self.filename):
            raise ValueError(
                f"CSVLogger's filename {self.filename!r} is a folder; give a file name "
                "inside it, e.g. os.path.join(folder, 'training.csv')."
            )
        self.sep = separator
        self.append = append
        self.keys = None
        self.append_header = True

    def _format(self, rows):
        text = io.StringIO()
        writer = csv.writer(text, delimiter=self.sep, lineterminator="\n")
        writer.writerows(rows)
        return text.getvalue()

    def _existing_header(self):
        """Reads (and repairs) an existing file: its header's keys, or None."""
        try:
            with open(self.filename, "rb") as f:
                content = f.read()
        except FileNotFoundError:
            return None
        end = content.rfind(b"\n") + 1
        if end != len(content):  # a torn last line from a crash
            with open(self.filename, "rb+") as f:
                f.truncate(end)
                f.flush()
                os.fsync(f.fileno())
        first = content[:end].split(b"\n", 1)[0].decode("utf-8", errors="replace").rstrip("\r")
        if not first:
            return None
        self.append_header = False
        header = next(csv.reader([first], delimiter=self.sep))
        return header[1:] if header and header[0] == "epoch" else None

    def on_train_begin(self, logs=None):
        folder = os.path.dirname(os.path.abspath(self.filename))
        os.makedirs(folder, exist_ok=True)
        self.keys = None
        self.append_header = True
        if self.append:
            self.keys = self._existing_header()
        if not self.append or not os.path.exists(self.filename):
            with open(self.filename, "w", encoding="utf-8") as f:
                f.flush()
                os.fsync(f.fileno())
            _fsync_folder(folder)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if not any(key.startswith("val_") for key in self.keys):
                self.keys += ["val_" + key for key in self.keys]
        rows = []
        if self.append_header:
            rows.append(["epoch"] + self.keys)
            self.append_header = False
        rows.append([epoch] + [_cell(logs.get(key, "NA")) for key in self.keys])
        with open(self.filename, "a", encoding="utf-8", newline="") as f:
            f.write(self._format(rows))
            f.flush()
            os.fsync(f.fileno())
