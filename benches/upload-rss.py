#!/usr/bin/env python3
"""Peak memory of a multipart upload (issue 11): starts `velocy-upload-server`, streams one multipart/form-data
upload of SIZE MiB (a file part plus a text field) in 64 KiB writes over a raw socket, and reports the server's
resident memory before the upload and its peak (VmHWM) after it, from /proc. The server streams the file to a
temporary file (Velocy's `TempFile`), so the peak should stay a few MiB above the idle RSS whatever the size.

Usage: benches/upload-rss.py [SIZE_MIB ...]    (default: 100 1024; build first with
       cargo build --release --manifest-path benches/Cargo.toml -p bench-servers)
"""
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(HERE, "target")), "release", "velocy-upload-server")
CHUNK = 64 * 1024


def status_kib(pid, key):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {key} for {pid}")


def wait_for_port(port, proc):
    for _ in range(200):
        if proc.poll() is not None:
            raise RuntimeError("the server exited")
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the server did not start")


def upload(port, size):
    boundary = "velocy-bench-boundary-7c1d"
    head = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nbench\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + size + len(tail)
    request = (
        f"POST /upload HTTP/1.1\r\nHost: bench\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
    ).encode()
    chunk = bytes(range(256)) * (CHUNK // 256)
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(request + head)
        sent = 0
        while sent < size:
            piece = chunk[: min(CHUNK, size - sent)]
            sock.sendall(piece)
            sent += len(piece)
        sock.sendall(tail)
        answer = b""
        while True:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    status_line = answer.split(b"\r\n", 1)[0].decode()
    return status_line, answer.split(b"\r\n\r\n", 1)[-1].decode(errors="replace")


def main():
    sizes = [int(arg) for arg in sys.argv[1:]] or [100, 1024]
    for index, mib in enumerate(sizes):
        port = 19201 + index
        with tempfile.TemporaryDirectory() as upload_dir:
            env = dict(os.environ, UPLOAD_DIR=upload_dir)
            proc = subprocess.Popen([BIN, str(port), "1"], env=env, stdout=subprocess.DEVNULL)
            try:
                wait_for_port(port, proc)
                idle = status_kib(proc.pid, "VmRSS")
                started = time.monotonic()
                status_line, body = upload(port, mib * 1024 * 1024)
                seconds = time.monotonic() - started
                peak = status_kib(proc.pid, "VmHWM")
            finally:
                proc.kill()
                proc.wait()
            print(
                f"{mib} MiB upload: {status_line}; RSS idle {idle / 1024:.1f} MiB, peak {peak / 1024:.1f} MiB "
                f"(+{(peak - idle) / 1024:.1f} MiB); {mib / seconds:.0f} MiB/s; answer {body.strip()}"
            )
            if not status_line.endswith("200 OK"):
                sys.exit(f"the upload failed: {status_line} {body}")


if __name__ == "__main__":
    main()
