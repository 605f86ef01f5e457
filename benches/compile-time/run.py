#!/usr/bin/env python3
"""Compile time of a generated 50-route app: Velocy against the axum 0.8 equivalent.

Generates two standalone Cargo projects under benches/target/compile-time/ (velocy-app, axum-app: the same
50 routes, the same handler bodies, each written the way its framework documents), then times `cargo build`:

  a. clean build, dependencies included: `cargo clean`, then `cargo build` (once per framework);
  b. app crate only, dependencies cached: `cargo clean -p <app>`, then `cargo build` (every round);
  c. incremental: one string literal in one handler body (route 17) changed, then `cargo build` (every round).

Rounds of b and c alternate between the frameworks (velocy, axum, velocy, axum, ...); the table shows the
median wall-clock seconds of each and the ratio velocy / axum. Standard library only.

Usage: python3 benches/compile-time/run.py [--rounds N] [--release] [--skip-clean-build] [--generate-only]
Run it under `nice -n 19` on a shared machine: cargo and rustc inherit the niceness.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

SCRIPT_DIR = Path(__file__).resolve().parent
BENCHES = SCRIPT_DIR.parent  # benches/, the bench workspace
REPO = BENCHES.parent  # the Velocy repository
DEFAULT_VELOCY_CRATE = REPO / "velocy"
VELOCY_CRATE = DEFAULT_VELOCY_CRATE  # --velocy overrides it
BENCH_LOCK = BENCHES / "Cargo.lock"
OUT = BENCHES / "target" / "compile-time"

ROUTES = 50
ROUTES_PER_MODULE = 10
EDITED_ROUTE = 17  # the handler whose string literal changes before every incremental build
# A build of b or c that recompiles more than the app crate (say the velocy sources changed under us) is
# not the measurement asked for: it is redone, at most this many times.
RETRIES = 3

FRAMEWORKS = ("velocy", "axum")


# --------------------------------------------------------------------------------------------------------
# The generated apps
# --------------------------------------------------------------------------------------------------------
#
# Route i (1-based) has shape (i - 1) % 5:
#   0  GET  /resource{i}          -> &'static str
#   1  GET  /resource{i}/:id      -> Json<Item{i}>                       (typed u64 path parameter)
#   2  POST /resource{i}          Json<Create{i}> -> (StatusCode::CREATED, Json<Created{i}>)
#   3  GET  /resource{i}/search   Query<Search{i}> + HeaderMap -> String
#   4  PUT  /resource{i}/:id      id + State<AppState> + Json<Update{i}> -> Json<Updated{i}>
# Every route has its own serde structs, as a real API has one request and response type per endpoint.
# Handlers live in modules routes1.rs .. routes5.rs, ten per module; main.rs holds the state and main().
# The handler bodies are the same text in both apps: only signatures, imports and registration differ.

SHAPES = ("list", "show", "create", "search", "update")


def shape(i: int) -> int:
    return (i - 1) % len(SHAPES)


def handler_name(i: int) -> str:
    return f"{SHAPES[shape(i)]}{i}"


def structs(i: int) -> str:
    s = shape(i)
    if s == 1:
        return f"""
#[derive(Debug, Serialize)]
pub struct Item{i} {{
    id: u64,
    name: String,
    active: bool,
}}
"""
    if s == 2:
        return f"""
#[derive(Debug, Deserialize)]
pub struct Create{i} {{
    name: String,
    quantity: u32,
    tags: Vec<String>,
}}

#[derive(Debug, Serialize)]
pub struct Created{i} {{
    id: u64,
    name: String,
    quantity: u32,
    tags: Vec<String>,
}}
"""
    if s == 3:
        return f"""
#[derive(Debug, Deserialize)]
pub struct Search{i} {{
    q: Option<String>,
    limit: Option<u32>,
}}
"""
    if s == 4:
        return f"""
#[derive(Debug, Deserialize)]
pub struct Update{i} {{
    name: String,
    quantity: u32,
    active: bool,
}}

#[derive(Debug, Serialize)]
pub struct Updated{i} {{
    id: u64,
    name: String,
    quantity: u32,
    active: bool,
    version: u64,
}}
"""
    return ""


def body(i: int, rev: int) -> str:
    """The handler body, identical for both frameworks. `rev` is the literal changed by incremental edits."""
    s = shape(i)
    if s == 0:
        return f'    "resource{i}: index (rev {rev})"\n'
    if s == 1:
        return f'    Json(Item{i} {{ id, name: format!("resource{i} item {{id}} (rev {rev})"), active: id % 2 == 0 }})\n'
    if s == 2:
        return (
            f"    let id = u64::from(input.quantity) + {i};\n"
            f"    let created = Created{i} {{\n"
            f'        id,\n        name: format!("{{}} (resource{i}, rev {rev})", input.name),\n'
            f"        quantity: input.quantity,\n        tags: input.tags,\n    }};\n"
            f"    (StatusCode::CREATED, Json(created))\n"
        )
    if s == 3:
        return (
            '    let agent = headers.get("user-agent").and_then(|value| value.to_str().ok()).unwrap_or("unknown");\n'
            "    let limit = search.limit.unwrap_or(20);\n"
            "    match search.q {\n"
            f'        Some(q) => format!("resource{i}: up to {{limit}} results for {{q:?}} (agent {{agent}}, rev {rev})"),\n'
            f'        None => format!("resource{i}: first {{limit}} results (agent {{agent}}, rev {rev})"),\n'
            "    }\n"
        )
    return (
        "    let version = state.counter.fetch_add(1, Ordering::Relaxed) + 1;\n"
        f"    Json(Updated{i} {{\n"
        f'        id,\n        name: format!("{{}} (resource{i}, rev {rev})", input.name),\n'
        "        quantity: input.quantity,\n        active: input.active,\n        version,\n    })\n"
    )


def velocy_handler(i: int, rev: int) -> str:
    s, name = shape(i), handler_name(i)
    if s == 0:
        head = f'#[get("/resource{i}")]\npub async fn {name}() -> &\'static str'
    elif s == 1:
        head = f'#[get("/resource{i}/:id")]\npub async fn {name}(id: u64) -> Json<Item{i}>'
    elif s == 2:
        head = (
            f'#[post("/resource{i}")]\n'
            f"pub async fn {name}(Json(input): Json<Create{i}>) -> (StatusCode, Json<Created{i}>)"
        )
    elif s == 3:
        head = (
            f'#[get("/resource{i}/search")]\n'
            f"pub async fn {name}(Query(search): Query<Search{i}>, headers: HeaderMap) -> String"
        )
    else:
        args = ["id: u64", "State(state): State<AppState>", f"Json(input): Json<Update{i}>"]
        signature = f"pub async fn {name}({', '.join(args)}) -> Json<Updated{i}> {{"
        if len(signature) > 110:  # the repository's rustfmt width
            signature = f"pub async fn {name}(\n" + "".join(f"    {a},\n" for a in args) + f") -> Json<Updated{i}> {{"
        head = f'#[put("/resource{i}/:id")]\n' + signature[:-2]
    return f"{head} {{\n{body(i, rev)}}}\n"


def axum_handler(i: int, rev: int) -> str:
    s, name = shape(i), handler_name(i)
    if s == 0:
        head = f"pub async fn {name}() -> &'static str"
    elif s == 1:
        head = f"pub async fn {name}(Path(id): Path<u64>) -> Json<Item{i}>"
    elif s == 2:
        head = f"pub async fn {name}(Json(input): Json<Create{i}>) -> (StatusCode, Json<Created{i}>)"
    elif s == 3:
        head = f"pub async fn {name}(Query(search): Query<Search{i}>, headers: HeaderMap) -> String"
    else:
        head = (
            f"pub async fn {name}(\n    Path(id): Path<u64>,\n    State(state): State<AppState>,\n"
            f"    Json(input): Json<Update{i}>,\n) -> Json<Updated{i}>"
        )
    return f"{head} {{\n{body(i, rev)}}}\n"


def axum_route(i: int) -> str:
    s, name = shape(i), handler_name(i)
    path, method = {
        0: (f"/resource{i}", "get"),
        1: (f"/resource{i}/{{id}}", "get"),
        2: (f"/resource{i}", "post"),
        3: (f"/resource{i}/search", "get"),
        4: (f"/resource{i}/{{id}}", "put"),
    }[s]
    return f'        .route("{path}", {method}({name}))\n'


def module_routes(module: int) -> range:
    first = (module - 1) * ROUTES_PER_MODULE + 1
    return range(first, first + ROUTES_PER_MODULE)


def modules() -> range:
    return range(1, ROUTES // ROUTES_PER_MODULE + 1)


def module_of(route: int) -> int:
    return (route - 1) // ROUTES_PER_MODULE + 1


def velocy_module(module: int, rev: int) -> str:
    routes = module_routes(module)
    parts = [
        f"//! Routes {routes[0]} to {routes[-1]}.\n\n",
        "use std::sync::atomic::Ordering;\n\n",
        "use serde::{Deserialize, Serialize};\n",
        "use velocy::{get, post, put, routes, HeaderMap, Json, Query, Route, State, StatusCode};\n\n",
        "use crate::AppState;\n",
    ]
    for i in routes:
        parts.append(structs(i))
        parts.append("\n")
        parts.append(velocy_handler(i, rev if i == EDITED_ROUTE else 0))
    names = ", ".join(handler_name(i) for i in routes)
    parts.append(f"\n/// This module's routes.\npub fn routes() -> Vec<Route> {{\n    routes![{names}]\n}}\n")
    return "".join(parts)


def axum_module(module: int, rev: int) -> str:
    routes = module_routes(module)
    parts = [
        f"//! Routes {routes[0]} to {routes[-1]}.\n\n",
        "use std::sync::atomic::Ordering;\n\n",
        "use axum::extract::{Path, Query, State};\n",
        "use axum::http::{HeaderMap, StatusCode};\n",
        "use axum::routing::{get, post, put};\n",
        "use axum::{Json, Router};\n",
        "use serde::{Deserialize, Serialize};\n\n",
        "use crate::AppState;\n",
    ]
    for i in routes:
        parts.append(structs(i))
        parts.append("\n")
        parts.append(axum_handler(i, rev if i == EDITED_ROUTE else 0))
    parts.append("\n/// This module's routes.\npub fn router() -> Router<AppState> {\n    Router::new()\n")
    parts.extend(axum_route(i) for i in routes)
    parts[-1] = parts[-1].rstrip("\n") + "\n}\n"
    return "".join(parts)


STD_IMPORTS = """\
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
"""

COMMON_MAIN = """\
/// Shared by every request: a counter bumped by the PUT routes.
#[derive(Clone, Debug, Default)]
pub struct AppState {
    pub counter: Arc<AtomicU64>,
}

/// `PORT` or 0 (any free port).
fn port() -> u16 {
    std::env::var("PORT").ok().and_then(|text| text.parse().ok()).unwrap_or(0)
}
"""


def velocy_main() -> str:
    mods = "".join(f"mod routes{m};\n" for m in modules())
    registered = "".join(f"        .routes(routes{m}::routes())\n" for m in modules())
    return f"""\
//! A generated {ROUTES}-route Velocy app (benches/compile-time/run.py).

{mods}
{STD_IMPORTS}
use velocy::App;

{COMMON_MAIN}
fn app() -> App {{
    App::new()
        .state(AppState::default())
{registered.rstrip()}
}}

#[velocy::main]
async fn main() -> velocy::Result<()> {{
    let service = app().build()?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port())).await?;
    println!("velocy-app listening on http://{{}}", listener.local_addr()?);
    service.serve(listener).await
}}
"""


def axum_main() -> str:
    mods = "".join(f"mod routes{m};\n" for m in modules())
    merged = "".join(f"        .merge(routes{m}::router())\n" for m in modules())
    return f"""\
//! A generated {ROUTES}-route axum app (benches/compile-time/run.py).

{mods}
{STD_IMPORTS}
use axum::Router;

{COMMON_MAIN}
fn app() -> Router {{
    Router::new()
{merged}        .with_state(AppState::default())
}}

#[tokio::main]
async fn main() -> std::io::Result<()> {{
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port())).await?;
    println!("axum-app listening on http://{{}}", listener.local_addr()?);
    axum::serve(listener, app()).await
}}
"""


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def manifest(framework: str) -> str:
    if framework == "velocy":
        deps = (
            f"velocy = {{ path = {toml_string(str(VELOCY_CRATE))} }}\n"
            'serde = { version = "1.0", features = ["derive"] }\n'
            'tokio = { version = "1.43", features = ["rt-multi-thread", "macros", "net"] }\n'
        )
    else:
        deps = (
            'axum = "0.8"\n'
            'tokio = { version = "1.43", features = ["rt-multi-thread", "macros", "net"] }\n'
            'serde = { version = "1.0", features = ["derive"] }\n'
            'serde_json = "1.0"\n'
        )
    return f"""\
# Generated by benches/compile-time/run.py: do not edit, it is rewritten on every run.
[package]
name = "{framework}-app"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
{deps}
# A workspace of its own, so that neither the bench workspace nor Velocy's claims this package.
[workspace]

# The defaults, the same for both apps.
[profile.dev]

[profile.release]
"""


@dataclass
class Project:
    framework: str
    dir: Path
    target: Path
    rev: int = 0  # the current literal of the edited handler
    samples: dict[str, list[float]] = field(default_factory=dict)
    crates_in_clean_build: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def crate(self) -> str:
        return f"{self.framework}-app"

    def module_source(self, module: int) -> str:
        gen = velocy_module if self.framework == "velocy" else axum_module
        return gen(module, self.rev)

    def edited_module_path(self) -> Path:
        return self.dir / "src" / f"routes{module_of(EDITED_ROUTE)}.rs"

    def generate(self) -> None:
        write_if_changed(self.dir / "Cargo.toml", manifest(self.framework))
        main = velocy_main() if self.framework == "velocy" else axum_main()
        write_if_changed(self.dir / "src" / "main.rs", main)
        for m in modules():
            write_if_changed(self.dir / "src" / f"routes{m}.rs", self.module_source(m))
        # Resolve against the bench workspace's lock file, so versions match the benchmarks and nothing
        # needs the network when the crates are already downloaded. Cargo drops the unused entries.
        shutil.copyfile(BENCH_LOCK, self.dir / "Cargo.lock")

    def edit_handler(self) -> None:
        """Changes one string literal in route EDITED_ROUTE's handler body."""
        self.rev += 1
        path = self.edited_module_path()
        path.write_text(self.module_source(module_of(EDITED_ROUTE)))


def write_if_changed(path: Path, text: str) -> None:
    """Writes `text` unless the file already holds it (an unchanged mtime keeps cargo's cache fresh)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


# --------------------------------------------------------------------------------------------------------
# Running cargo
# --------------------------------------------------------------------------------------------------------


class BuildFailed(Exception):
    pass


def cargo_env(project: Project) -> dict[str, str]:
    env = dict(os.environ)
    env["CARGO_TARGET_DIR"] = str(project.target)
    env["CARGO_TERM_COLOR"] = "never"
    env.pop("CARGO_BUILD_TARGET_DIR", None)
    return env


def cargo(project: Project, *args: str, check: bool = True) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Runs `cargo args...` in the project; returns (wall-clock seconds, the completed process)."""
    start = time.monotonic()
    done = subprocess.run(
        ["cargo", *args],
        cwd=project.dir,
        env=cargo_env(project),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    elapsed = time.monotonic() - start
    if check and done.returncode != 0:
        raise BuildFailed(
            f"`cargo {' '.join(args)}` failed in {project.dir} (exit {done.returncode}):\n"
            f"{done.stdout}{done.stderr}"
        )
    return elapsed, done


COMPILING = re.compile(r"^\s*Compiling (\S+) v", re.MULTILINE)


def compiled_crates(stderr: str) -> list[str]:
    return COMPILING.findall(stderr)


def profile_args(release: bool) -> list[str]:
    return ["--release"] if release else []


def resolve(project: Project) -> None:
    """Resolves the copied lock file for this project offline, or online if something is missing."""
    _, done = cargo(project, "fetch", "--offline", check=False)
    if done.returncode != 0:
        log(f"[{project.framework}] offline resolution failed, letting cargo resolve online")
        cargo(project, "fetch")


def warm_up(project: Project, release: bool) -> None:
    """An untimed build: checks that the app compiles without warnings and primes the caches."""
    log(f"[{project.framework}] untimed build{' (release)' if release else ''} ...")
    elapsed, done = cargo(project, "build", *profile_args(release))
    log(f"[{project.framework}]   done in {elapsed:.1f} s")
    check_warnings(project, done.stderr)


def check_warnings(project: Project, stderr: str) -> None:
    # Cargo replays the warnings of cached local crates, so a fresh build still shows them.
    summary = re.search(rf"warning: `{re.escape(project.crate)}` \(bin .*generated \d+ warnings?", stderr)
    if summary:
        raise BuildFailed(f"the generated {project.crate} compiles with warnings:\n{stderr}")
    others = sorted(set(re.findall(r"warning: `([^`]+)` \(lib\) generated \d+ warnings?", stderr)))
    for crate in others:
        note = f"warnings in dependency `{crate}` (not generated code)"
        if note not in project.notes:
            project.notes.append(note)


def measure(project: Project, key: str, prepare, release: bool, label: str) -> None:
    """Runs `prepare()` then a timed build, redoing it if more than the app crate was recompiled."""
    for _ in range(RETRIES):
        prepare()
        elapsed, done = cargo(project, "build", *profile_args(release))
        crates = compiled_crates(done.stderr)
        if crates == [project.crate]:
            break
        log(f"[{project.framework}] {label}: also recompiled {crates} (sources changed?), redoing")
    else:
        project.notes.append(f"{key}: one sample recompiled more than the app: {crates}")
    project.samples.setdefault(key, []).append(elapsed)
    log(f"[{project.framework}] {label}: {elapsed:.2f} s")


def clean_build(project: Project, release: bool) -> None:
    key = f"clean{'-release' if release else ''}"
    cargo(project, "clean", *profile_args(release))
    elapsed, done = cargo(project, "build", *profile_args(release))
    project.samples.setdefault(key, []).append(elapsed)
    project.crates_in_clean_build[key] = len(compiled_crates(done.stderr))
    check_warnings(project, done.stderr)
    log(f"[{project.framework}] clean build{' (release)' if release else ''}: {elapsed:.1f} s")


def app_only_build(project: Project, release: bool, round_: int) -> None:
    key = f"app{'-release' if release else ''}"
    measure(
        project,
        key,
        lambda: cargo(project, "clean", "-p", project.crate, *profile_args(release)),
        release,
        f"app-only build{' (release)' if release else ''}, round {round_}",
    )


def incremental_build(project: Project, release: bool, round_: int) -> None:
    key = f"incr{'-release' if release else ''}"
    measure(
        project,
        key,
        project.edit_handler,
        release,
        f"incremental build{' (release)' if release else ''}, round {round_}",
    )


# --------------------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def command_output(*args: str, cwd: Path = REPO) -> str:
    try:
        done = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        return done.stdout.strip() if done.returncode == 0 else "?"
    except OSError:
        return "?"


def locked_version(project: Project, package: str) -> str:
    lock = project.dir / "Cargo.lock"
    match = re.search(rf'name = "{re.escape(package)}"\nversion = "([^"]+)"', lock.read_text())
    return match.group(1) if match else "?"


def header(projects: dict[str, Project], args: argparse.Namespace) -> str:
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"
    axum = projects["axum"]
    env_notes = [
        f"{name}={os.environ[name]}"
        for name in ("RUSTFLAGS", "CARGO_INCREMENTAL", "RUSTC_WRAPPER", "CARGO_BUILD_JOBS")
        if os.environ.get(name)
    ]
    lines = [
        f"# Compile time: generated {ROUTES}-route app, Velocy vs axum",
        "",
        f"* date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}",
        f"* nproc: {command_output('nproc')}, load average at start: {load}, niceness: {os.nice(0)}",
        f"* rustc: {command_output('rustc', '--version', cwd=axum.dir)}",
        f"* cargo: {command_output('cargo', '--version', cwd=axum.dir)}",
        f"* velocy: {VELOCY_CRATE} at commit {command_output('git', 'rev-parse', '--short', 'HEAD', cwd=VELOCY_CRATE)}"
        " (working tree as found)",
        f"* axum {locked_version(axum, 'axum')}, tokio {locked_version(axum, 'tokio')}, "
        f"serde {locked_version(axum, 'serde')}",
        f"* profile: dev (defaults){' and release (defaults)' if args.release else ''}; "
        f"rounds: {args.rounds}; target dirs: {OUT}/<app>/target",
        f"* edited handler: route {EDITED_ROUTE} ({handler_name(EDITED_ROUTE)}, "
        f"src/routes{module_of(EDITED_ROUTE)}.rs)",
    ]
    if env_notes:
        lines.append(f"* environment: {', '.join(env_notes)}")
    return "\n".join(lines)


def table(projects: dict[str, Project], args: argparse.Namespace) -> str:
    velocy, axum = projects["velocy"], projects["axum"]
    rows = []
    profiles = [False, True] if args.release else [False]
    for release in profiles:
        suffix = "-release" if release else ""
        tag = " (release)" if release else ""
        if not args.skip_clean_build:
            crates = (
                f"{velocy.crates_in_clean_build.get('clean' + suffix, '?')} / "
                f"{axum.crates_in_clean_build.get('clean' + suffix, '?')} crates"
            )
            rows.append((f"clean build, dependencies included{tag} (1 run; {crates})", "clean" + suffix))
        rows.append((f"app crate only, dependencies cached{tag}", "app" + suffix))
        rows.append((f"incremental, one handler edited{tag}", "incr" + suffix))
    out = [
        "| measurement | velocy (s) | axum (s) | velocy / axum |",
        "| --- | --- | --- | --- |",
    ]
    for label, key in rows:
        v, a = statistics.median(velocy.samples[key]), statistics.median(axum.samples[key])
        out.append(f"| {label} | {v:.2f} | {a:.2f} | {v / a:.2f} |")
    out.append("")
    out.append(
        f"Medians of {args.rounds} round(s) for the app-only and incremental rows. All samples (s):"
    )
    for label, key in rows:
        v = ", ".join(f"{x:.2f}" for x in velocy.samples[key])
        a = ", ".join(f"{x:.2f}" for x in axum.samples[key])
        out.append(f"* {key}: velocy [{v}], axum [{a}]")
    for project in (velocy, axum):
        for note in project.notes:
            out.append(f"* note ({project.framework}): {note}")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the app-only and incremental builds")
    parser.add_argument("--release", action="store_true", help="also measure `cargo build --release`")
    parser.add_argument(
        "--skip-clean-build", action="store_true", help="skip the (slow) clean build with dependencies"
    )
    parser.add_argument(
        "--velocy",
        type=Path,
        default=DEFAULT_VELOCY_CRATE,
        help="the velocy crate to depend on (default: this repository's, %(default)s)",
    )
    parser.add_argument(
        "--generate-only", action="store_true", help="write the two projects and stop, without building"
    )
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    global VELOCY_CRATE
    VELOCY_CRATE = args.velocy.resolve()
    if not (VELOCY_CRATE / "Cargo.toml").is_file():
        parser.error(f"--velocy: no Cargo.toml in {VELOCY_CRATE}")

    projects = {
        fw: Project(fw, OUT / f"{fw}-app", OUT / f"{fw}-app" / "target") for fw in FRAMEWORKS
    }
    try:
        for project in projects.values():
            log(f"[{project.framework}] generating {project.dir}")
            project.generate()
            if args.generate_only:
                continue
            resolve(project)
        if args.generate_only:
            return 0
        print(header(projects, args), flush=True)
        print(flush=True)
        for release in [False, True] if args.release else [False]:
            for project in projects.values():
                warm_up(project, release)
            if not args.skip_clean_build:
                for project in projects.values():
                    clean_build(project, release)
            for round_ in range(1, args.rounds + 1):
                for project in projects.values():
                    app_only_build(project, release, round_)
                for project in projects.values():
                    incremental_build(project, release, round_)
    except BuildFailed as error:
        log(f"error: {error}")
        return 1
    print(table(projects, args), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
