# webdriver.py: a small W3C WebDriver client for the dashboard tests.
# Drives Debian's chromium through Debian's chromedriver on 127.0.0.1 with
# the standard library only (urllib, json): no browser or driver is ever
# downloaded.  A process is waited for by the line it prints when it is
# ready (read as it comes, select(2) bounding the wait); a condition in the
# page, for which the browser offers no event, is polled every 50 ms a
# bounded number of times.
import base64
import json
import os
import re
import select
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

ELEMENT = 'element-6066-11e4-a52e-4f735466cecf'


class WebDriverError(Exception):
    pass


def ready_line(proc, pattern, copy_to, timeout=20.0):
    """The first line of proc's stdout (a pipe) matching pattern, waited
    for as it comes, or None after timeout; every line goes on to copy_to
    (a binary file), the rest by a thread while the process runs."""
    end = time.monotonic() + timeout
    fd = proc.stdout.fileno()
    pending = b''
    while True:
        left = end - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, 4096)
        if not chunk:
            return None
        copy_to.write(chunk)
        copy_to.flush()
        pending += chunk
        *lines, pending = pending.split(b'\n')
        for line in lines:
            m = re.search(pattern, line.decode(errors='replace'))
            if m:
                threading.Thread(target=_copy_rest, args=(fd, copy_to), daemon=True).start()
                return m
    return None


def _copy_rest(fd, copy_to):
    while True:
        chunk = os.read(fd, 4096)
        if not chunk:
            return
        copy_to.write(chunk)
        copy_to.flush()


def start_server(server, args, tmp):
    """sigacor-server serve ARGS..., its stdout in TMP/serve.out and stderr in
    TMP/serve.log; (process, 'http://ADDR') once it listens, or (process, None)"""
    out = open(os.path.join(tmp, 'serve.out'), 'wb')
    proc = subprocess.Popen([server, 'serve'] + args, stdout=subprocess.PIPE,
                            stderr=open(os.path.join(tmp, 'serve.log'), 'w'))
    m = ready_line(proc, r'^listening on (127\.0\.0\.1:\d+)$', out)
    return proc, ('http://' + m.group(1)) if m else None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Driver:
    """One chromedriver process; sessions are opened with new_browser()."""

    def __init__(self, log_path):
        self.port = free_port()
        self.log = open(log_path, 'ab')
        self.proc = subprocess.Popen(
            ['chromedriver', '--port=%d' % self.port, '--allowed-ips=127.0.0.1'],
            stdout=subprocess.PIPE, stderr=self.log)
        self.base = 'http://127.0.0.1:%d' % self.port
        if ready_line(self.proc, r'started successfully', self.log) is not None:
            try:
                self.call('GET', '/status')
                return
            except (OSError, WebDriverError):
                pass
        self.stop()
        raise WebDriverError('chromedriver did not start')

    def call(self, method, path, payload=None):
        data = json.dumps(payload).encode() if payload is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                body = json.loads(r.read().decode() or '{}')
        except urllib.error.HTTPError as e:
            body = json.loads(e.read().decode() or '{}')
            value = body.get('value', {})
            raise WebDriverError('%s %s: %s' % (method, path, value.get('message', value)))
        return body.get('value')

    def new_browser(self, width, height):
        return Browser(self, width, height)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class Browser:
    """A headless chromium with a fresh profile, offline by its flags."""

    def __init__(self, driver, width, height):
        self.driver = driver
        self.profile = tempfile.mkdtemp(prefix='sigacor-chromium-')
        args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                '--disable-background-networking', '--disable-component-update',
                '--no-first-run', '--no-default-browser-check', '--disable-sync',
                '--user-data-dir=' + self.profile, '--window-size=%d,%d' % (width, height),
                '--lang=id']
        caps = {'capabilities': {'alwaysMatch': {
            'browserName': 'chrome',
            'goog:chromeOptions': {'binary': '/usr/bin/chromium', 'args': args,
                                   # Accept-Language: the clerks' city reads Indonesian
                                   'prefs': {'intl.accept_languages': 'id-ID,id'}}}}}
        value = driver.call('POST', '/session', caps)
        self.sid = value['sessionId']
        self.resize(width, height)

    def cmd(self, method, path, payload=None):
        return self.driver.call(method, '/session/%s%s' % (self.sid, path), payload)

    def resize(self, width, height):
        self.cmd('POST', '/window/rect', {'width': width, 'height': height})
        # the window's outer size includes nothing in headless mode, but be
        # sure: grow it until the page's viewport is the size asked for
        for _ in range(3):
            inner = self.js('return [window.innerWidth, window.innerHeight];')
            if inner == [width, height]:
                break
            rect = self.cmd('GET', '/window/rect')
            self.cmd('POST', '/window/rect', {'width': rect['width'] + width - inner[0],
                                              'height': rect['height'] + height - inner[1]})

    def go(self, url):
        self.cmd('POST', '/url', {'url': url})

    def url(self):
        return self.cmd('GET', '/url')

    def js(self, script, *args):
        return self.cmd('POST', '/execute/sync', {'script': script, 'args': list(args)})

    def js_async(self, script, *args):
        """script ends by calling arguments[arguments.length - 1](value)"""
        return self.cmd('POST', '/execute/async', {'script': script, 'args': list(args)})

    def find(self, css):
        value = self.cmd('POST', '/element', {'using': 'css selector', 'value': css})
        return value[ELEMENT]

    def find_all(self, css):
        return [v[ELEMENT] for v in self.cmd('POST', '/elements',
                                            {'using': 'css selector', 'value': css})]

    def click(self, css):
        self.cmd('POST', '/element/%s/click' % self.find(css), {})

    def type(self, css, text):
        el = self.find(css)
        self.cmd('POST', '/element/%s/clear' % el, {})
        self.cmd('POST', '/element/%s/value' % el, {'text': text})

    def text(self, css):
        return self.cmd('GET', '/element/%s/text' % self.find(css))

    def select(self, css, value):
        """choose an <option> by value and fire change, as a user would"""
        self.js("var s = document.querySelector(arguments[0]); s.value = arguments[1];"
                "s.dispatchEvent(new Event('change', {bubbles: true}));", css, value)

    def wait(self, script, *args, tries=400):
        """poll a JavaScript condition every 50 ms; its last value"""
        value = None
        for _ in range(tries):
            try:
                value = self.js(script, *args)
            except WebDriverError:
                value = None
            if value:
                return value
            time.sleep(0.05)
        return value

    def wait_css(self, css, tries=400):
        return self.wait('return document.querySelector(arguments[0]) !== null;', css, tries=tries)

    def screenshot(self, path):
        png = base64.b64decode(self.cmd('GET', '/screenshot'))
        with open(path, 'wb') as f:
            f.write(png)
        return len(png)

    def delete_cookies(self):
        self.cmd('DELETE', '/cookie')

    def quit(self):
        try:
            self.cmd('DELETE', '')
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)


def chromium_available():
    """why the browser tests cannot run here, or None"""
    for prog in ('chromium', 'chromedriver'):
        if shutil.which(prog) is None:
            return '%s is not installed (sh .ci/deps installs it)' % prog
    if not os.path.isdir('/usr/share/javascript/leaflet'):
        return 'libjs-leaflet is not installed (sh .ci/deps installs it)'
    return None
