//! A small Chrome DevTools Protocol client for the browser test of the HTML report: it starts
//! headless Chromium with a fresh profile and every background network feature off, connects to
//! its DevTools websocket, opens pages, evaluates JavaScript in them and records what the pages
//! logged (console errors, exceptions) and which URLs they asked for.
//!
//! Chromium is a Debian package (`chromium`) that `.ci/run` installs; where it is missing the
//! test says so and passes, unless `ZAIRYU_REQUIRE_BROWSER=1` demands it.

#![expect(
    clippy::disallowed_methods,
    reason = "waiting for the browser needs wall-clock timeouts"
)]

use std::io::ErrorKind;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

pub mod pixels;

/// How long any one answer from the browser may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The Chromium executable: /usr/bin/chromium, or `chromium` on the PATH.
pub fn find_chromium() -> Option<PathBuf> {
    let fixed = PathBuf::from("/usr/bin/chromium");
    if fixed.is_file() {
        return Some(fixed);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("chromium"))
            .find(|p| p.is_file())
    })
}

/// A running headless Chromium and the DevTools connection to it.
pub struct Browser {
    child: Child,
    ws: WebSocket<TcpStream>,
    next_id: u64,
    /// Every event the browser sent that no command was waiting for, in order.
    pub events: Vec<Value>,
    // Dropped last: the profile directory outlives the process using it.
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts Chromium and connects to it.
    pub fn launch(exe: &Path) -> Result<Browser, String> {
        let profile = tempfile::tempdir().map_err(|e| e.to_string())?;
        let child = Command::new(exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                // Screenshots are compared with references: no scrollbar, one device pixel per
                // CSS pixel, whatever the display says.
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--remote-debugging-port=0",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-default-apps",
                "--disable-quic",
                "--metrics-recording-only",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
        // The browser writes its port and websocket path here once it listens.
        let port_file = profile.path().join("DevToolsActivePort");
        let started = Instant::now();
        let (port, path) = loop {
            if let Ok(text) = std::fs::read_to_string(&port_file) {
                let mut lines = text.lines();
                if let (Some(port), Some(path)) = (lines.next(), lines.next()) {
                    break (port.trim().to_owned(), path.trim().to_owned());
                }
            }
            if started.elapsed() > TIMEOUT {
                return Err("Chromium did not open its DevTools port".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let stream =
            TcpStream::connect(("127.0.0.1", port.parse::<u16>().map_err(|e| e.to_string())?))
                .map_err(|e| format!("cannot connect to DevTools: {e}"))?;
        // The handshake waits as long as the launch may (a loaded machine answers slowly);
        // only afterwards do reads time out quickly, so `receive` can poll.
        stream
            .set_read_timeout(Some(TIMEOUT))
            .map_err(|e| e.to_string())?;
        let url = format!("ws://127.0.0.1:{port}{path}");
        let (ws, _) = tungstenite::client(url.as_str(), stream)
            .map_err(|e| format!("DevTools handshake failed: {e}"))?;
        ws.get_ref()
            .set_read_timeout(Some(Duration::from_millis(250)))
            .map_err(|e| e.to_string())?;
        Ok(Browser {
            child,
            ws,
            next_id: 0,
            events: Vec::new(),
            _profile: profile,
        })
    }

    /// The next message from the browser, or `None` when nothing came for a short while.
    fn receive(&mut self) -> Result<Option<Value>, String> {
        match self.ws.read() {
            Ok(Message::Text(text)) => serde_json::from_str(text.as_str())
                .map(Some)
                .map_err(|e| e.to_string()),
            Ok(_) => Ok(None),
            Err(tungstenite::Error::Io(e))
                if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
            {
                Ok(None)
            }
            Err(e) => Err(format!("DevTools connection: {e}")),
        }
    }

    /// Sends a command (to a page when `session` is given) and waits for its result.
    pub fn call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.ws
            .send(Message::text(msg.to_string()))
            .map_err(|e| format!("{method}: {e}"))?;
        let started = Instant::now();
        loop {
            match self.receive()? {
                Some(v) if v.get("id").and_then(Value::as_u64) == Some(id) => {
                    if let Some(err) = v.get("error") {
                        return Err(format!("{method}: {err}"));
                    }
                    return Ok(v.get("result").cloned().unwrap_or(Value::Null));
                }
                Some(v) => self.events.push(v),
                None => {}
            }
            if started.elapsed() > TIMEOUT {
                return Err(format!("{method}: no answer within {TIMEOUT:?}"));
            }
        }
    }

    /// Waits for an event of `method` from `session` that arrived after `since` events.
    pub fn wait_for(&mut self, session: &str, method: &str, since: usize) -> Result<Value, String> {
        let started = Instant::now();
        loop {
            if let Some(v) = self.events[since..].iter().find(|e| {
                e.get("method").and_then(Value::as_str) == Some(method)
                    && e.get("sessionId").and_then(Value::as_str) == Some(session)
            }) {
                return Ok(v.clone());
            }
            if let Some(v) = self.receive()? {
                self.events.push(v);
            }
            if started.elapsed() > TIMEOUT {
                return Err(format!("no {method} within {TIMEOUT:?}"));
            }
        }
    }

    /// Reads whatever the browser still has to say, for `wait`.
    pub fn settle(&mut self, wait: Duration) -> Result<(), String> {
        let started = Instant::now();
        while started.elapsed() < wait {
            if let Some(v) = self.receive()? {
                self.events.push(v);
            }
        }
        Ok(())
    }

    /// Opens a new page with console, log, runtime and network reporting on; returns its
    /// session id.
    pub fn open_page(&mut self) -> Result<String, String> {
        let target = self.call(None, "Target.createTarget", json!({ "url": "about:blank" }))?;
        let target_id = target["targetId"].as_str().ok_or("no targetId")?.to_owned();
        let attached = self.call(
            None,
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
        )?;
        let session = attached["sessionId"]
            .as_str()
            .ok_or("no sessionId")?
            .to_owned();
        for domain in [
            "Runtime.enable",
            "Log.enable",
            "Page.enable",
            "Network.enable",
        ] {
            self.call(Some(&session), domain, json!({}))?;
        }
        Ok(session)
    }

    /// Loads `url` in the page and waits for its load event.
    pub fn navigate(&mut self, session: &str, url: &str) -> Result<(), String> {
        let since = self.events.len();
        self.call(Some(session), "Page.navigate", json!({ "url": url }))?;
        self.wait_for(session, "Page.loadEventFired", since)?;
        Ok(())
    }

    /// Evaluates a JavaScript expression in the page and returns its value.
    pub fn eval(&mut self, session: &str, expression: &str) -> Result<Value, String> {
        self.evaluate(session, expression, false)
    }

    /// Sets the page's viewport to `width` × `height` CSS pixels (device scale 1), as a
    /// projector of that size shows it.
    pub fn viewport(&mut self, session: &str, width: u32, height: u32) -> Result<(), String> {
        self.call(
            Some(session),
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
        )?;
        Ok(())
    }

    /// Evaluates a JavaScript expression that yields a promise and waits for it to settle.
    pub fn eval_awaited(&mut self, session: &str, expression: &str) -> Result<Value, String> {
        self.evaluate(session, expression, true)
    }

    fn evaluate(&mut self, session: &str, expression: &str, wait: bool) -> Result<Value, String> {
        let r = self.call(
            Some(session),
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": wait }),
        )?;
        if let Some(ex) = r.get("exceptionDetails") {
            return Err(format!("{expression}: {ex}"));
        }
        Ok(r["result"].get("value").cloned().unwrap_or(Value::Null))
    }

    /// A PNG screenshot of what the page's viewport shows.
    pub fn screenshot(&mut self, session: &str) -> Result<Vec<u8>, String> {
        let r = self.call(
            Some(session),
            "Page.captureScreenshot",
            json!({ "format": "png", "captureBeyondViewport": false, "fromSurface": true }),
        )?;
        let data = r["data"].as_str().ok_or("a screenshot without data")?;
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| format!("the screenshot's base64: {e}"))
    }

    /// Presses and releases a key (e.g. `ArrowRight`) in the page.
    pub fn key(&mut self, session: &str, key: &str, code: i64) -> Result<(), String> {
        for kind in ["rawKeyDown", "keyUp"] {
            self.call(
                Some(session),
                "Input.dispatchKeyEvent",
                json!({ "type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code }),
            )?;
        }
        Ok(())
    }

    /// What the page `session` reported as errors: console errors, log errors, uncaught
    /// exceptions.
    pub fn errors(&self, session: &str) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| e.get("sessionId").and_then(Value::as_str) == Some(session))
            .filter_map(|e| {
                let params = &e["params"];
                match e.get("method").and_then(Value::as_str)? {
                    "Runtime.consoleAPICalled"
                        if matches!(params["type"].as_str(), Some("error" | "assert")) =>
                    {
                        Some(format!("console.{}: {}", params["type"], params["args"]))
                    }
                    "Log.entryAdded" if params["entry"]["level"].as_str() == Some("error") => {
                        Some(format!("log: {}", params["entry"]))
                    }
                    "Runtime.exceptionThrown" => {
                        Some(format!("exception: {}", params["exceptionDetails"]))
                    }
                    _ => None,
                }
            })
            .collect()
    }

    /// Every URL the page `session` requested.
    pub fn requests(&self, session: &str) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| e.get("sessionId").and_then(Value::as_str) == Some(session))
            .filter(|e| {
                e.get("method").and_then(Value::as_str) == Some("Network.requestWillBeSent")
            })
            .filter_map(|e| e["params"]["request"]["url"].as_str().map(str::to_owned))
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ask politely, then make sure: the process is ours and must not outlive the test.
        self.next_id += 1;
        let _ = self.ws.send(Message::text(
            json!({ "id": self.next_id, "method": "Browser.close" }).to_string(),
        ));
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
