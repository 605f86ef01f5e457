-- GET one 1000-byte range of the 1 MiB file: each server answers 206 with Content-Range.
wrk.headers["Range"] = "bytes=1000-1999"
