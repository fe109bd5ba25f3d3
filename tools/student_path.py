"""A student's path through a notebook, taken for real: a Jupyter server with JupyterLab, the
notebook opened in headless Chromium (Selenium with the system's chromedriver), every cell run
by JupyterLab's own "Run All Cells", the notebook saved, and what the student saw read back
from it: each cell's outputs and how long the student waited for it (JupyterLab's
`recordTiming`).

    with JupyterLab(folder) as lab:                 # folder holds the notebooks
        run = lab.run_all("layers.ipynb")            # -> NotebookRun
        run.check_cells                              # [CheckCell(index, wait_s, text, passed)]
        lab.screenshot_output(run.check_cells[0].index, "check.png")

Used by tests/test_student_path.py and by `make bench` (what a student waits for `check(...)`).
`missing()` says what is not installed.
"""
import datetime
import json
import os
import re
import secrets
import signal
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SERVER_START_S = 60
RUN_TIMEOUT_S = 300
CHROMEDRIVER = ("chromedriver", "/usr/lib/chromium/chromedriver")
# "5/5 visible checks passed (0.01 s)" or "3/5 visible checks passed (2 did not pass, 0.40 s)"
TABLE_LINE = re.compile(r"(\d+)/(\d+) visible checks? passed \(.*?([\d.]+) s\)")


@dataclass
class CheckCell:
    index: int          # among all the notebook's cells
    source: str
    wait_s: float       # from the kernel starting the cell to its reply, as JupyterLab recorded it
    checks_s: float     # the checks' own time, as their table reports it (None: no table)
    passed: bool
    text: str           # the table's plain-text form


@dataclass
class NotebookRun:
    path: Path
    cells: list                       # the saved notebook's cells (nbformat)
    check_cells: list = field(default_factory=list)

    def errors(self):
        """(cell index, ename) of every cell whose outputs hold an error."""
        return [(i, out.get("ename")) for i, cell in enumerate(self.cells) if cell.cell_type == "code"
                for out in cell.get("outputs", []) if out.get("output_type") == "error"]


def missing():
    """What this machine lacks to take the path (a sentence), or None."""
    for module in ("jupyterlab", "selenium"):
        if find_spec(module) is None:
            return f"{module} is not installed (pip install -e '.[dev]')"
    if chromium() is None:
        return "Chromium is not installed (apt-get install chromium)"
    if _chromedriver() is None:
        return "chromedriver is not installed (apt-get install chromium-driver)"
    return None


def chromium():
    """The Chromium (or Chrome) on PATH, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


class ScreenshotFailed(Exception):
    """Chromium did not take the screenshot; the message holds the end of its output."""


def screenshot(page, shot, profile, width=1200, height=1600, timeout=60):
    """A screenshot of the file `page` (HTML) into `shot` (PNG), by headless Chromium with its
    own profile folder `profile`, as a reader's window of width x height pixels."""
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--hide-scrollbars", f"--user-data-dir={profile}", f"--window-size={width},{height}",
               f"--screenshot={shot}", Path(page).resolve().as_uri()]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True, env={**os.environ, "HOME": str(profile)})
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # it has written the shot and hangs on exit at times
        output, _ = process.communicate()
    if not Path(shot).exists():
        raise ScreenshotFailed(output.decode(errors="replace")[-2000:])


def _chromedriver():
    return next((found for name in CHROMEDRIVER if (found := shutil.which(name))), None)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _seconds_between(start, end):
    return (datetime.datetime.fromisoformat(end.replace("Z", "+00:00"))
            - datetime.datetime.fromisoformat(start.replace("Z", "+00:00"))).total_seconds()


class JupyterLab:
    """A JupyterLab server on 127.0.0.1 serving `folder`, and a headless Chromium on it. Its
    configuration, settings and kernels are its own (a private JUPYTER_* and HOME), the kernel
    is this interpreter."""

    def __init__(self, folder):
        self.folder = Path(folder).resolve()
        self.token = secrets.token_hex(16)
        self.port = _free_port()
        self._home = Path(tempfile.mkdtemp(prefix="backprop-lab-jupyterlab-"))
        self._server = self.driver = None

    # -- the server and the browser ---------------------------------------------------------
    def __enter__(self):
        try:
            self._start_server()
            self._start_browser()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def _environment(self):
        env = {key: value for key, value in os.environ.items() if not key.startswith("JUPYTER")}
        kernels = self._home / "data" / "kernels" / "python3"
        kernels.mkdir(parents=True, exist_ok=True)
        (kernels / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (backprop-lab)", "language": "python"}))
        settings = self._home / "settings" / "@jupyterlab" / "notebook-extension"
        settings.mkdir(parents=True, exist_ok=True)
        (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"recordTiming": True}))
        notices = self._home / "settings" / "@jupyterlab" / "apputils-extension"
        notices.mkdir(parents=True, exist_ok=True)  # no "get notified about Jupyter news?" over the page
        (notices / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false",
                                                                             "checkForUpdates": False}))
        # The kernels import this checkout's backprop_lab_check, not whatever the environment installed.
        python_path = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        return {**env, "PYTHONPATH": python_path, "HOME": str(self._home), "JUPYTER_CONFIG_DIR": str(self._home / "config"),
                "JUPYTER_DATA_DIR": str(self._home / "data"), "JUPYTER_RUNTIME_DIR": str(self._home / "runtime"),
                "JUPYTERLAB_SETTINGS_DIR": str(self._home / "settings"),
                "JUPYTERLAB_WORKSPACES_DIR": str(self._home / "workspaces"), "MPLBACKEND": "Agg"}

    def _start_server(self):
        command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
                   f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.folder}",
                   "--LabApp.expose_app_in_browser=True", "--ServerApp.port_retries=0",
                   "--LabServerApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate"]
        if os.geteuid() == 0:  # containers and CI runners often run as root, which JupyterLab refuses by default
            command.append("--allow-root")
        log = open(self._home / "server.log", "wb")
        self._server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=self._environment(),
                                        cwd=self.folder, start_new_session=True)
        log.close()
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            if self._server.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with status {self._server.returncode}: {self.server_log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"JupyterLab did not answer within {SERVER_START_S} s: {self.server_log()}")

    def _start_browser(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = chromium()
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1280,1000", f"--user-data-dir={self._home / 'chromium'}",
                         "--no-first-run", "--disable-background-networking", "--disable-component-update"):
            options.add_argument(argument)
        self.driver = webdriver.Chrome(service=Service(_chromedriver()), options=options)
        self.driver.set_script_timeout(RUN_TIMEOUT_S)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def server_log(self):
        try:
            return (self._home / "server.log").read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def close(self):
        if self.driver is not None:
            try:
                self.driver.quit()
            except Exception:  # a browser that already died has nothing left to quit
                pass
            self.driver = None
        if self._server is not None:
            try:
                os.killpg(self._server.pid, signal.SIGTERM)
                self._server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self._server.pid, signal.SIGKILL)
                self._server.wait()
            except ProcessLookupError:  # it had exited already
                self._server.wait()
            self._server = None
        shutil.rmtree(self._home, ignore_errors=True)

    # -- a notebook, as a student runs it ----------------------------------------------------
    def run_all(self, name):
        """Open `name` (relative to the folder), run every cell with JupyterLab's "Run All Cells"
        (it stops at the first cell that raises, as it does for a student), save, read back."""
        self.driver.get(f"{self.url}/lab/tree/{name}?token={self.token}")
        outcome = self.driver.execute_async_script(_RUN_ALL, name)
        if outcome != "ok":
            raise RuntimeError(f"JupyterLab could not run {name}: {outcome}")
        path = self.folder / name
        cells = nbformat.read(path, as_version=4).cells
        return NotebookRun(path, cells, [_check_cell(i, cell) for i, cell in enumerate(cells)
                                         if cell.cell_type == "code" and "check(" in cell.source
                                         and cell.get("metadata", {}).get("execution")])

    def screenshot_output(self, index, path):
        """A PNG of cell `index`'s output area as the page shows it."""
        output = self.driver.execute_async_script(_SHOW_OUTPUT, index)
        if output is None:
            raise RuntimeError(f"cell {index} has no output area on the page")
        output.screenshot(str(path))
        return path


def _check_cell(index, cell):
    timing = cell.metadata["execution"]
    wait = _seconds_between(timing.get("iopub.execute_input") or timing["iopub.status.busy"],
                            timing["shell.execute_reply"])
    text = "".join(out.get("data", {}).get("text/plain", "") if out.get("output_type") == "display_data"
                   else out.get("text", "") for out in cell.get("outputs", []))
    table = TABLE_LINE.search(text)
    passed = table is not None and table.group(1) == table.group(2)
    return CheckCell(index, cell.source, wait, float(table.group(3)) if table else None, passed, text)


# Waits for the app and the notebook's kernel, runs every cell, saves. JupyterLab resolves the
# run command's promise when the last cell ran or a cell raised.
_RUN_ALL = """
const name = arguments[0], done = arguments[arguments.length - 1];
(async () => {
  for (let i = 0; i < 600 && !window.jupyterapp; i++) await new Promise(r => setTimeout(r, 100));
  const app = window.jupyterapp;
  if (!app) throw new Error('JupyterLab did not start in the page');
  await app.started; await app.restored;
  let panel = null;
  for (let i = 0; i < 600; i++) {
    const widget = app.shell.currentWidget;
    if (widget && widget.context && widget.context.path === name) { panel = widget; break; }
    await new Promise(r => setTimeout(r, 100));
  }
  if (!panel) throw new Error('the notebook did not open');
  await panel.context.ready;
  await panel.sessionContext.ready;
  for (let i = 0; i < 600 && !(panel.sessionContext.session && panel.sessionContext.session.kernel
       && panel.sessionContext.session.kernel.status === 'idle'); i++) await new Promise(r => setTimeout(r, 100));
  await app.commands.execute('notebook:run-all-cells');
  // Idle, and every cell that started has its reply's time recorded (it lands a little later).
  const settled = () => {
    const cells = panel.content.model.cells;
    for (let i = 0; i < cells.length; i++) {
      const timing = cells.get(i).getMetadata('execution');
      if (timing && timing['iopub.status.busy'] && !timing['shell.execute_reply']) return false;
    }
    return panel.sessionContext.session.kernel.status === 'idle';
  };
  for (let i = 0; i < 600 && !settled(); i++) await new Promise(r => setTimeout(r, 100));
  await app.commands.execute('docmanager:save');
  return 'ok';
})().then(done, error => done(String(error)));
"""

# Makes cell `index` the active one and scrolls the notebook to it (JupyterLab would otherwise
# scroll back to the active cell, the last one run, under the screenshot), then returns its
# output area once painted.
_SHOW_OUTPUT = """
const index = arguments[0], done = arguments[arguments.length - 1];
(async () => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  notebook.activeCellIndex = index;
  await notebook.scrollToItem(index, 'start');
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return notebook.widgets[index].node.querySelector('.jp-OutputArea');
})().then(done, () => done(null));
"""
