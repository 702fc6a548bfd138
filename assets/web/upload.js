/* The phone's side of the photo inbox (src/server/inbox_page.c): each
 * chosen photo goes up as its own POST; a photo without EXIF GPS may get
 * the phone's position, sent apart and labelled as such, never written
 * into the photo.  No library, no network beyond this server. */
'use strict';
(function () {
  var main = document.getElementById('inbox');
  if (!main) return;
  var code = main.getAttribute('data-code');
  var key = main.getAttribute('data-key');
  var en = /^en\b/i.test(navigator.language || '');
  var T = en ? {
    intro: 'Photos go straight to your sigacor inbox. Then, on the sigacor screen, pick them from "Server photo inbox".',
    pick: 'Choose photos (JPEG)', take: 'Take a photo', sending: 'sending…', sent: 'sent',
    had: 'already in the inbox', gps: 'position in the photo', asking: 'asking the phone for its position…',
    phone: 'phone position at upload', nopos: 'no position: type it in sigacor', failed: 'not sent',
    offline: 'no connection; try again', done: function (n) { return n + ' photo(s) in your inbox.'; }
  } : {
    intro: 'Foto langsung masuk ke kotak foto sigacor Anda. Lalu di layar sigacor, pilih dari "Kotak foto di server".',
    pick: 'Pilih foto (JPEG)', take: 'Ambil foto', sending: 'mengirim…', sent: 'terkirim',
    had: 'sudah ada di kotak', gps: 'posisi ada di foto', asking: 'meminta posisi ponsel…',
    phone: 'posisi ponsel saat unggah', nopos: 'tanpa posisi: ketik di sigacor', failed: 'tidak terkirim',
    offline: 'tidak ada sambungan; coba lagi', done: function (n) { return n + ' foto ada di kotak Anda.'; }
  };
  document.getElementById('intro').textContent = T.intro;
  document.getElementById('pick-label').textContent = T.pick;
  var input = document.getElementById('photos');
  var list = document.getElementById('list');
  var status = document.getElementById('status');
  var stored = 0;

  /* a camera's take: a second input with capture, so both ways are offered */
  var take = input.cloneNode(false);
  take.id = 'take';
  take.removeAttribute('multiple');
  take.setAttribute('capture', 'environment');
  var takeLabel = document.createElement('label');
  takeLabel.className = 'pick';
  takeLabel.htmlFor = 'take';
  takeLabel.textContent = T.take;
  takeLabel.appendChild(take);
  input.parentNode.parentNode.insertBefore(takeLabel, input.parentNode.nextSibling);

  /* true when the JPEG's EXIF names a GPS block (tag 0x8825 in IFD0) */
  function hasGps(buf) {
    var d = new DataView(buf);
    if (d.byteLength < 4 || d.getUint16(0) !== 0xFFD8) return false;
    var p = 2;
    while (p + 4 <= d.byteLength && d.getUint8(p) === 0xFF) {
      var marker = d.getUint8(p + 1), len = d.getUint16(p + 2);
      if (marker === 0xE1 && p + 10 <= d.byteLength && d.getUint32(p + 4) === 0x45786966) {
        var t = p + 10, le = d.getUint16(t) === 0x4949;
        if (t + 8 > d.byteLength) return false;
        var ifd = t + d.getUint32(t + 4, le);
        if (ifd + 2 > d.byteLength) return false;
        var n = d.getUint16(ifd, le);
        for (var i = 0; i < n && ifd + 2 + 12 * i + 12 <= d.byteLength; i++)
          if (d.getUint16(ifd + 2 + 12 * i, le) === 0x8825) return true;
        return false;
      }
      if (marker === 0xDA) return false;
      p += 2 + len;
    }
    return false;
  }

  function asciiName(name) { return (name || 'foto.jpg').replace(/[^\x20-\x7e]/g, '_'); }

  function row(name) {
    var li = document.createElement('li');
    var b = document.createElement('b');
    b.textContent = name;
    var s = document.createElement('span');
    li.appendChild(b);
    li.appendChild(document.createTextNode(' '));
    li.appendChild(s);
    list.appendChild(li);
    return s;
  }

  function problemText(xhr) {
    try { return JSON.parse(xhr.responseText).detail || T.failed; } catch (e) { return T.failed; }
  }

  function post(path, type, body, onDone, onProgress) {
    var xhr = new XMLHttpRequest();
    xhr.open('POST', '/u/' + code + path);
    xhr.setRequestHeader('Content-Type', type);
    xhr.setRequestHeader('X-Upload-Key', key);
    if (body instanceof Blob) xhr.setRequestHeader('X-File-Name', asciiName(body.name));
    if (onProgress && xhr.upload)
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = function () { onDone(xhr); };
    xhr.onerror = function () { onDone(null); };
    xhr.send(body);
  }

  function askPosition(sha, label) {
    if (!navigator.geolocation || !window.isSecureContext) { label.textContent += ' · ' + T.nopos; return; }
    var base = label.textContent;
    label.textContent = base + ' · ' + T.asking;
    navigator.geolocation.getCurrentPosition(function (p) {
      var pos = { lat: p.coords.latitude, lon: p.coords.longitude, accuracy_m: p.coords.accuracy || 0 };
      post('/photos/' + sha + '/position', 'application/json', JSON.stringify(pos), function (xhr) {
        label.textContent = base + ' · ' + (xhr && xhr.status === 200
          ? T.phone + ' (±' + Math.round(pos.accuracy_m) + ' m)' : T.nopos);
      });
    }, function () { label.textContent = base + ' · ' + T.nopos; },
    { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  }

  function send(file, next) {
    var label = row(file.name || 'foto.jpg');
    label.textContent = T.sending;
    var head = file.slice(0, 256 * 1024);
    var reader = new FileReader();
    reader.onload = function () {
      var gps = hasGps(reader.result);
      post('/photos', 'image/jpeg', file, function (xhr) {
        if (!xhr) { label.textContent = T.offline; next(); return; }
        if (xhr.status !== 200 && xhr.status !== 201) { label.textContent = problemText(xhr); next(); return; }
        var ans = JSON.parse(xhr.responseText);
        stored++;
        label.textContent = (xhr.status === 201 ? T.sent : T.had) + (gps ? ' · ' + T.gps : '');
        label.parentNode.setAttribute('data-sha256', ans.sha256);
        if (!gps) askPosition(ans.sha256, label);
        next();
      }, function (f) { label.textContent = T.sending + ' ' + Math.round(f * 100) + '%'; });
    };
    reader.onerror = function () { label.textContent = T.failed; next(); };
    reader.readAsArrayBuffer(head);
  }

  /* one at a time: a slow link gives each photo its whole width */
  function sendAll(files) {
    var i = 0;
    (function next() {
      if (i < files.length) { send(files[i++], next); return; }
      status.textContent = T.done(stored);
      main.setAttribute('data-stored', String(stored));
    })();
  }
  function onPick(e) { sendAll(Array.prototype.slice.call(e.target.files || [])); e.target.value = ''; }
  input.addEventListener('change', onPick);
  take.addEventListener('change', onPick);
})();
