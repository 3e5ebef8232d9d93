"""Headless Chromium driven over the DevTools protocol (python `websockets`), for page checks without network.

Non-loopback host names resolve to nothing (`--host-resolver-rules`), so a page that needs a CDN fails visibly.
"""
import asyncio
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

from conftest import free_port

# Flags of a Chromium that captures and plays media with no one at the keyboard (fake camera and microphone).
MEDIA_FLAGS = (
    "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
    # Loopback is the only interface in a test namespace; Chromium skips it for ICE without this.
    "--allow-loopback-in-peer-connection",
    "--autoplay-policy=no-user-gesture-required",
    "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
)


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise RuntimeError("chromium is not installed (scripts/install-deps.sh --test installs it)")


class Chromium:
    def __init__(self, extra_args=()):
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="parley-chromium-")
        self.proc = subprocess.Popen([
            chromium_binary(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
            f"--remote-debugging-port={self.port}", f"--user-data-dir={self.profile}", *extra_args, "about:blank",
        ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/version", timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        self.close()
        raise RuntimeError("chromium did not start")

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)

    def page_ws(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list", timeout=5) as r:
            pages = [t for t in json.load(r) if t["type"] == "page"]
        return pages[0]["webSocketDebuggerUrl"]

    def run(self, url, expression, ready=None, timeout=30):
        """Opens `url`, waits for load (and for the JavaScript condition `ready`, when given, to hold), evaluates
        `expression` (awaiting promises) and returns its JSON value."""
        return asyncio.run(self._run(url, expression, ready, timeout))

    def screenshot(self, url, path, ready=None):
        return asyncio.run(self._run(url, None, ready, 30, screenshot=path))

    async def _run(self, url, expression, ready, timeout, screenshot=None):
        import websockets
        async with websockets.connect(self.page_ws(), max_size=50_000_000) as ws:
            ids = iter(range(1, 10_000))

            async def call(method, **params):
                i = next(ids)
                await ws.send(json.dumps({"id": i, "method": method, "params": params}))
                while True:
                    msg = json.loads(await asyncio.wait_for(ws.recv(), timeout))
                    if msg.get("id") == i:
                        if "error" in msg:
                            raise RuntimeError(msg["error"])
                        return msg["result"]

            await call("Page.enable")
            await call("Page.navigate", url=url)
            # Poll for load, then for the caller's own condition: no fixed settling time.
            condition = "document.readyState === 'complete'" + (f" && !!({ready})" if ready else "")
            deadline = time.time() + timeout
            while True:
                state = await call("Runtime.evaluate", expression=condition, returnByValue=True)
                if state["result"].get("value") is True:
                    break
                if time.time() > deadline:
                    raise RuntimeError(f"page {url} not ready after {timeout} s: {condition}")
                await asyncio.sleep(0.05)
            if screenshot:
                import base64
                shot = await call("Page.captureScreenshot", format="png")
                with open(screenshot, "wb") as f:
                    f.write(base64.b64decode(shot["data"]))
                return screenshot
            result = await call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
            if "exceptionDetails" in result:
                raise RuntimeError(result["exceptionDetails"])
            return result["result"].get("value")


class DevToolsPage:
    """A new page target of `browser` opened on `url`, kept open over the DevTools protocol for several calls
    (`async with DevToolsPage(browser, url) as page`); closed with its target on exit."""

    def __init__(self, browser, url):
        request = urllib.request.Request(
            f"http://127.0.0.1:{browser.port}/json/new?{urllib.parse.quote(url, safe='')}", method="PUT")
        with urllib.request.urlopen(request, timeout=10) as response:
            self.target = json.load(response)
        self.browser = browser
        self.ws = None
        self.ids = iter(range(1, 1_000_000))

    async def __aenter__(self):
        import websockets
        self.ws = await websockets.connect(self.target["webSocketDebuggerUrl"], max_size=50_000_000)
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{self.browser.port}/json/close/{self.target['id']}", timeout=5)
        except OSError:
            pass  # the browser is already gone

    async def call(self, method, timeout=20, **params):
        i = next(self.ids)
        await self.ws.send(json.dumps({"id": i, "method": method, "params": params}))
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
            if message.get("id") == i:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    async def evaluate(self, expression, timeout=20):
        """The JSON value of `expression`, promises awaited; a thrown exception raises RuntimeError."""
        result = await self.call("Runtime.evaluate", timeout=timeout, expression=expression, awaitPromise=True,
                                 returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def poll(self, expression, condition=bool, timeout=30, what=None, strict=True):
        """Evaluates `expression` every 250 ms until `condition(value)` holds and returns the value. When it never
        does: raises TimeoutError naming `what` and the last value (`strict`), or returns the last value."""
        deadline = time.monotonic() + timeout
        while True:
            value = await self.evaluate(expression)
            if condition(value):
                return value
            if time.monotonic() > deadline:
                if not strict:
                    return value
                raise TimeoutError(f"{what or expression}: last value {value!r}")
            await asyncio.sleep(0.25)
