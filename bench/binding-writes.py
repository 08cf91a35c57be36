#!/usr/bin/env python3
"""What one binding change costs the binding writer's thread in its statements alone, with and without
JDBC batching, in H2 (a file) and PostgreSQL (a throw-away server on loopback): bench/binding-writes/
rewrites stored bindings in transactions of a few and of many changes, as registrar/BindingWriter
does under load, and this prints the CPU per change of the writing thread (the median of the last
rounds, once the JIT has settled). The database's own processes are not counted.

usage: bench/binding-writes.py [--bindings 20000] [--rounds 10] [--sizes 4,64] [--stores h2,postgresql]
Needs: a JDK, a built Pushgate (built when missing or older than its sources), PostgreSQL's server (installed when missing).
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, zipfile

from benchlib import ROOT, Postgres, ensure_packages, h2_url_options, sh

MODES = ("update", "update-unbatched", "upsert")


def classpath(work):
    """The application's classes and libraries from its archive, then the launcher's (H2, logging)."""
    # bin/pushgate rebuilds when a source is newer than the build, as for every other benchmark
    sh([os.path.join(ROOT, "bin", "pushgate"), "default-config"], stdout=subprocess.DEVNULL)
    sar = os.path.join(ROOT, "runtime", "target", "deploy", "pushgate.sar")
    app = os.path.join(work, "app")
    zipfile.ZipFile(sar).extractall(app)
    return os.pathsep.join([os.path.join(app, "WEB-INF", "classes"), os.path.join(app, "WEB-INF", "lib", "*"),
                            os.path.join(ROOT, "runtime", "target", "lib", "*")])


def run(cp, classes, url, mode, size, rounds, bindings):
    out = subprocess.run(["java", "-cp", classes + os.pathsep + cp, "BindingWrites", url, "pushgate", mode, str(size), str(rounds), str(bindings)],
                         capture_output=True, text=True, check=True).stdout
    cpu = [float(line.split(":")[1].split()[0]) for line in out.splitlines() if line.startswith("round ")]
    return statistics.median(cpu[-3:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bindings", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--sizes", default="4,64")
    ap.add_argument("--stores", default="h2,postgresql")
    a = ap.parse_args()
    sizes, stores = [int(s) for s in a.sizes.split(",")], a.stores.split(",")
    ensure_packages(postgres="postgresql" in stores)
    work = tempfile.mkdtemp(prefix="pushgate-binding-writes-")
    cp = classpath(work)
    classes = os.path.join(work, "classes")
    sh(["javac", "--release", "17", "-d", classes, "-cp", cp, os.path.join(ROOT, "bench", "binding-writes", "BindingWrites.java")])
    print(f"binding writer's CPU per change (us, median of the last 3 of {a.rounds} rounds), {a.bindings} bindings, "
          f"Hibernate stateless session, hibernate.jdbc.batch_size as store/Database sets it")
    print(f"{'store':12s} {'mode':18s} " + " ".join(f"{f'{s} per commit':>14s}" for s in sizes))
    pg = Postgres(25439) if "postgresql" in stores else None
    try:
        for store in stores:
            for mode in MODES:
                if store == "h2" and mode == "upsert":
                    continue  # H2 serves one server: BindingWriter upserts only on a shared database
                figures = []
                for size in sizes:
                    url = pg.url() if store == "postgresql" else f"jdbc:h2:file:{work}/h2-{mode}-{size}{h2_url_options()}"
                    figures.append(run(cp, classes, url, mode, size, a.rounds, a.bindings))
                print(f"{store:12s} {mode:18s} " + " ".join(f"{f:14.1f}" for f in figures), flush=True)
    finally:
        if pg:
            pg.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
