/* sigacor dashboard: fills the page shells the server renders (web.c) from
 * the JSON behind them (doc/DASHBOARD.md).  Plain browser JavaScript, no
 * build step, no third-party code but Debian's Leaflet.  Text from the
 * server goes in with textContent only, never as HTML.  Filters go in the
 * URL; what a supervisor types in the search box never leaves the page. */
(function () {
	'use strict';

	var S = JSON.parse(document.getElementById('strings').textContent);
	var body = document.body;
	var main = document.getElementById('main');
	var csrf = body.getAttribute('data-csrf') || '';
	var tiles = body.getAttribute('data-tiles');
	/* outcomes: colour and label; kept apart by shade as well as hue, so a
	 * black-and-white print or a colour-blind eye still tells them apart */
	var OUTCOMES = {
		'layak': { color: '#1b7a3a', label: S.layak },
		'tidak-layak': { color: '#d32f2f', label: S['tidak-layak'] },
		'tidak-ditemukan': { color: '#5e2a8c', label: S['tidak-ditemukan'] }
	};
	var REVIEWS = { confirmed: S.confirmed, rejected: S.rejected, revisit: S.revisit };
	var FLAGS = {
		duplicate_nik: S.duplicate_nik,
		registry_other_kelurahan: S.registry_other_kelurahan,
		not_in_registry: S.not_in_registry,
		kk_layak_twice: S.kk_layak_twice,
		photo_other_nik: S.photo_other_nik,
		house_outside_city: S.house_outside_city,
		house_other_kelurahan: S.house_other_kelurahan,
		house_far_from_kk: S.house_far_from_kk,
		photo_after_final: S.photo_after_final,
		photo_years_old: S.photo_years_old
	};

	function el(tag, attrs, children) {
		var e = document.createElement(tag);
		Object.keys(attrs || {}).forEach(function (k) {
			if (k === 'text') e.textContent = attrs[k];
			else if (k === 'class') e.className = attrs[k];
			else e.setAttribute(k, attrs[k]);
		});
		(children || []).forEach(function (c) {
			if (c !== null && c !== undefined)
				e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
		});
		return e;
	}

	function clear(node) {
		while (node.firstChild) node.removeChild(node.firstChild);
	}

	/* GET or POST JSON; a problem+json answer rejects with its detail */
	function api(method, url, payload) {
		var opts = { method: method, credentials: 'same-origin',
			headers: { 'Accept': 'application/json' } };
		if (payload !== undefined) {
			opts.headers['Content-Type'] = 'application/json';
			opts.headers['X-CSRF-Token'] = csrf;
			opts.body = JSON.stringify(payload);
		}
		return fetch(url, opts).then(function (r) {
			if (r.status === 401) {
				window.location.href = '/login';
				throw new Error(S.session_ended);
			}
			return r.json().then(function (j) {
				if (!r.ok) throw new Error(j.detail || S.load_failed);
				return j;
			}, function () { throw new Error(S.load_failed); });
		});
	}

	function failed(err) {
		clear(main);
		main.appendChild(el('p', { class: 'error', id: 'message', role: 'alert',
			text: err && err.message ? err.message : S.load_failed }));
	}

	function outcomeTag(outcome) {
		var o = OUTCOMES[outcome];
		return el('span', { class: 'tag o-' + outcome, text: o ? o.label : outcome });
	}

	/* data-drawn="1" on the map's node while its view is still and its
	 * layers are on it (a frame after the last move ended): what a test
	 * waits for before a picture.  Set up before the first view. */
	function newMap(node) {
		var map = L.map(node, { zoomSnap: 0.25, attributionControl: !!tiles });
		if (tiles)
			L.tileLayer(tiles, { maxZoom: 19 }).addTo(map);
		map.on('movestart zoomstart', function () { node.removeAttribute('data-drawn'); });
		map.on('moveend', function () {
			window.requestAnimationFrame(function () { node.setAttribute('data-drawn', '1'); });
		});
		return map;
	}

	/* ------------------------------------------------------------ the map */

	/* the share of the assigned households verified (the report's figure,
	 * stats.c), or null where nothing is assigned */
	function progressOf(p) {
		if (typeof p.assigned === 'number' && p.assigned > 0)
			return Math.min(1, p.progress_permille / 1000);
		return null;
	}

	/* light to dark blue by the share verified; grey when nothing assigned */
	var STEPS = ['#eaf2fb', '#c3dbf2', '#8fbbe6', '#4d8fd1', '#1d5fa8', '#0b3a73'];
	function shade(p) {
		var v = progressOf(p);
		if (v === null) return '#c9d2da';
		return STEPS[Math.min(STEPS.length - 1, Math.floor(v * (STEPS.length - 1) + 0.5))];
	}

	function mapPage() {
		api('GET', '/web/api/map').then(function (data) {
			clear(main);
			var mapNode = el('div', { id: 'map' });
			var panel = el('aside', { class: 'panel', id: 'panel' });
			main.appendChild(el('div', { class: 'map-page' }, [mapNode, panel]));
			var map = newMap(mapNode);
			var inScope = [];
			var layer = L.geoJSON(data.kelurahan, {
				style: function (f) {
					var p = f.properties;
					return { color: p.in_scope ? '#12365c' : '#8a96a3', weight: p.in_scope ? 1.4 : 0.6,
						fillColor: p.in_scope ? shade(p) : '#e9edf1', fillOpacity: p.in_scope ? 0.75 : 0.5 };
				},
				onEachFeature: function (f, l) {
					var p = f.properties;
					if (p.in_scope) inScope.push(f);
					var box = el('div', {}, [el('strong', { text: p.name }), el('br'),
						el('span', { class: 'muted', text: S.scope_kecamatan + ' ' + p.kecamatan })]);
					if (typeof p.assigned === 'number')
						box.appendChild(el('div', { text: S.verified + ': ' + p.assigned_verified + ' / '
							+ p.assigned + ' ' + S.assigned.toLowerCase() + ' (' + (p.progress_permille / 10)
							+ '%)' }));
					if (p.in_scope)
						box.appendChild(el('div', {}, [el('a', { href: '/kelurahan/' + p.code,
							text: S.open_list })]));
					else
						box.appendChild(el('div', { class: 'muted', text: S.out_of_scope_area }));
					l.bindPopup(box);
				}
			});
			var points = L.featureGroup();
			data.points.forEach(function (pt) {
				var o = OUTCOMES[pt.outcome] || { color: '#444' };
				var m = L.circleMarker([pt.lat, pt.lon], { radius: 6, weight: pt.flagged ? 3 : 1.2,
					color: pt.flagged ? '#f2b400' : '#111', fillColor: o.color, fillOpacity: 0.95,
					className: 'point point-' + pt.outcome });
				m.bindPopup(el('div', {}, [outcomeTag(pt.outcome), el('br'),
					el('a', { href: '/records/' + pt.id, text: S.record })]));
				points.addLayer(m);
			});
			/* the view first: Leaflet draws vectors only on a map that has one */
			var bounds = L.geoJSON({ type: 'FeatureCollection', features: inScope }).getBounds();
			map.fitBounds(bounds.isValid() ? bounds : layer.getBounds(), { padding: [8, 8] });
			layer.addTo(map);
			points.addTo(map);
			renderPanel(panel, data, inScope);
		}).catch(failed);
	}

	function renderPanel(panel, data, inScope) {
		var legend = el('ul', { class: 'legend', id: 'legend' });
		Object.keys(OUTCOMES).forEach(function (k) {
			var dot = el('span', { class: 'dot' });
			dot.style.background = OUTCOMES[k].color;
			legend.appendChild(el('li', {}, [dot, OUTCOMES[k].label]));
		});
		var flagDot = el('span', { class: 'dot' });
		flagDot.style.border = '3px solid #f2b400';
		legend.appendChild(el('li', {}, [flagDot, S.flagged]));
		var ramp = el('li', { id: 'progress-legend' }, [S.progress + ': 0%']);
		STEPS.forEach(function (c) {
			var box = el('span', { class: 'ramp' });
			box.style.background = c;
			ramp.appendChild(box);
		});
		ramp.appendChild(document.createTextNode('100%'));
		legend.appendChild(ramp);
		var count = el('p', {}, [el('span', { class: 'count', id: 'point-count',
			text: String(data.points.length) }), ' ' + S.points]);
		panel.appendChild(el('h2', { text: S.legend }));
		panel.appendChild(legend);
		panel.appendChild(count);
		panel.appendChild(el('h2', { text: S.kelurahan_list }));
		var order = select('kel-sort', S.sort, [['progress', S.by_progress], ['name', S.by_name]],
			'progress');
		var list = el('ul', { class: 'kel-list', id: 'kelurahan-list' });
		panel.appendChild(el('form', { class: 'filters' }, [order]));
		panel.appendChild(list);
		drawKelurahanList(list, data, inScope, 'progress');
		order.querySelector('select').addEventListener('change', function (ev) {
			drawKelurahanList(list, data, inScope, ev.target.value);
		});
	}

	/* by progress: the least done first (where a supervisor looks first),
	 * the kelurahan with nothing assigned last; ties and "name" by name */
	function kelurahanOrder(by) {
		return function (a, b) {
			var pa = progressOf(a.properties), pb = progressOf(b.properties);
			if (by === 'progress' && pa !== pb)
				return pa === null ? 1 : pb === null ? -1 : pa - pb;
			var na = a.properties.name.toLowerCase(), nb = b.properties.name.toLowerCase();
			return na < nb ? -1 : na > nb ? 1 : 0;
		};
	}

	function drawKelurahanList(list, data, inScope, by) {
		clear(list);
		inScope.slice().sort(kelurahanOrder(by)).forEach(function (f) {
			var p = f.properties;
			var n = data.points.filter(function (pt) { return pt.kelurahan === p.code; }).length;
			var li = el('li', {}, [el('a', { href: '/kelurahan/' + p.code, text: p.name }),
				el('span', { class: 'muted', text: String(n) }),
				el('span', { class: 'kec', text: p.kecamatan })]);
			var v = progressOf(p);
			if (v !== null) {
				var fill = el('span');
				fill.style.width = Math.round(v * 100) + '%';
				li.appendChild(el('span', { class: 'bar-meter', title: S.progress + ' '
					+ Math.round(v * 100) + '%' }, [fill]));
			}
			list.appendChild(li);
		});
	}

	/* ------------------------------------------------------------ a list */

	function select(name, label, options, value) {
		var s = el('select', { name: name, id: 'filter-' + name });
		options.forEach(function (o) {
			var opt = el('option', { value: o[0], text: o[1] });
			if (o[0] === value) opt.selected = true;
			s.appendChild(opt);
		});
		return el('label', {}, [label, s]);
	}

	function listPage() {
		var code = main.getAttribute('data-kelurahan');
		var q = new URLSearchParams(window.location.search);
		var state = { outcome: q.get('outcome') || '', flag: q.get('flag') || '',
			review: q.get('review') || '', sort: q.get('sort') || 'name' };
		clear(main);
		var title = el('h1', { id: 'title', text: code });
		var search = el('input', { type: 'search', id: 'search', placeholder: S.search });
		var form = el('form', { class: 'filters', id: 'filters' }, [
			select('outcome', S.outcome, [['', S.all], ['layak', S.layak],
				['tidak-layak', S['tidak-layak']], ['tidak-ditemukan', S['tidak-ditemukan']]], state.outcome),
			select('flag', S.flag, [['', S.all], ['flagged', S.flagged], ['none', S.not_flagged],
				['duplicate_nik', S.duplicate_nik], ['registry_other_kelurahan', S.registry_other_kelurahan],
				['not_in_registry', S.not_in_registry]].concat(Object.keys(FLAGS).slice(3).map(function (f) {
					return [f, FLAGS[f]];
				})), state.flag),
			select('review', S.review, [['', S.all], ['none', S.not_reviewed], ['confirmed', S.confirmed],
				['rejected', S.rejected], ['revisit', S.revisit]], state.review),
			select('sort', S.sort, [['name', S.by_name], ['address', S.by_address],
				['coord', S.by_coord]], state.sort),
			el('label', {}, [S.search, search])
		]);
		var summary = el('p', { class: 'muted', id: 'summary' });
		var table = el('table', { class: 'records', id: 'records' });
		main.appendChild(el('p', {}, [el('a', { href: '/', text: '← ' + S.back_to_map })]));
		main.appendChild(title);
		main.appendChild(form);
		main.appendChild(summary);
		main.appendChild(table);
		var rows = [];

		function draw() {
			var needle = search.value.trim().toLowerCase();
			var shown = rows.filter(function (r) {
				return !needle || r.name.toLowerCase().indexOf(needle) >= 0
					|| r.address.toLowerCase().indexOf(needle) >= 0;
			});
			clear(table);
			table.appendChild(el('thead', {}, [el('tr', {}, [S.name, S.address, S.outcome, S.flag,
				S.review, S.coord].map(function (h) { return el('th', { text: h }); }))]));
			var tb = el('tbody');
			shown.forEach(function (r) {
				var flags = el('td', { 'data-label': S.flag });
				r.flags.forEach(function (f) {
					flags.appendChild(el('span', { class: 'tag t-flag', text: FLAGS[f] || f }));
				});
				if (r.flags.length === 0)
					flags.appendChild(el('span', { class: 'muted', text: '–' }));
				var outcome = el('td', { 'data-label': S.outcome }, [outcomeTag(r.outcome)]);
				if (r.reason_label && r.outcome === 'tidak-layak')
					outcome.appendChild(el('span', { class: 'muted', text: ' ' + r.reason_label }));
				tb.appendChild(el('tr', { class: 'record-row', 'data-id': r.id }, [
					el('td', {}, [el('a', { href: '/records/' + r.id, text: r.name }),
						r.photos_waiting > 0 ? ' ' : null, r.photos_waiting > 0
						? el('span', { class: 'tag t-waiting', text: S.photos_waiting }) : null]),
					el('td', { 'data-label': S.address, text: r.address }),
					outcome, flags,
					el('td', { 'data-label': S.review }, r.review ? [el('span', { class: 'tag t-review',
						text: REVIEWS[r.review] || r.review })] : [el('span', { class: 'muted',
						text: S.not_reviewed })]),
					el('td', { 'data-label': S.coord, class: 'muted', text: r.lat === null ? S.no_coord
						: r.lat.toFixed(5) + ', ' + r.lon.toFixed(5) })
				]));
			});
			table.appendChild(tb);
			summary.textContent = shown.length + ' ' + S.records;
			if (shown.length === 0)
				summary.textContent = S.none_found;
		}

		var asked = 0;
		function load() {
			/* filters changed quickly: only the last answer is drawn */
			var mine = ++asked;
			var params = new URLSearchParams();
			Object.keys(state).forEach(function (k) { if (state[k]) params.set(k, state[k]); });
			window.history.replaceState(null, '', window.location.pathname
				+ (params.toString() ? '?' + params.toString() : ''));
			summary.textContent = S.loading;
			api('GET', '/web/api/kelurahan/' + encodeURIComponent(code) + '/records?'
				+ params.toString()).then(function (data) {
				if (mine !== asked) return;
				title.textContent = data.kelurahan.name + ' · ' + S.scope_kecamatan + ' '
					+ data.kelurahan.kecamatan;
				rows = data.records;
				draw();
			}).catch(failed);
		}

		form.addEventListener('change', function (ev) {
			if (ev.target === search) return;
			state[ev.target.name] = ev.target.value;
			load();
		});
		form.addEventListener('submit', function (ev) { ev.preventDefault(); });
		search.addEventListener('input', draw);
		load();
	}

	/* ------------------------------------------------------------ a record */

	function facts(pairs) {
		var dl = el('dl', { class: 'facts' });
		pairs.forEach(function (p) {
			if (p[1] === null || p[1] === undefined || p[1] === '') return;
			dl.appendChild(el('dt', { text: p[0] }));
			dl.appendChild(el('dd', p[2] ? { id: p[2] } : {}, [typeof p[1] === 'string' ? p[1] : p[1]]));
		});
		return dl;
	}

	function coordText(lat, lon) {
		return lat === null ? S.no_coord : lat.toFixed(6) + ', ' + lon.toFixed(6);
	}

	function recordPage() {
		var id = main.getAttribute('data-record');
		api('GET', '/web/api/records/' + id).then(function (r) { renderRecord(r, null); })
			.catch(failed);
	}

	function renderRecord(r, note) {
		clear(main);
		main.appendChild(el('p', {}, [el('a', { href: '/kelurahan/' + r.kelurahan.code,
			text: '← ' + r.kelurahan.name })]));
		main.appendChild(el('h1', { id: 'record-name', text: r.name }));
		/* sent before its photos: what is missing is said, not hidden */
		if (r.photos_waiting > 0)
			main.appendChild(el('p', { id: 'photos-waiting' }, [el('span', { class: 'tag t-waiting',
				text: S.photos_waiting }),
				' ' + r.photos_waiting + ' / ' + r.photos.length + ' ' + S.photos_not_arrived]));
		var outcome = el('span', {}, [outcomeTag(r.outcome)]);
		if (r.reason_label)
			outcome.appendChild(document.createTextNode(' ' + r.reason_label
				+ (r.reason_text ? ': ' + r.reason_text : '')));
		var details = el('section', { class: 'card' }, [facts([
			[S.nik, r.nik], [S.kk, r.kk], [S.address, r.address],
			[S.scope_kelurahan, r.kelurahan.name + ' (' + r.kelurahan.kecamatan + ')'],
			[S.decision, outcome, 'outcome'], [S.notes, r.notes],
			[S.coord, coordText(r.lat, r.lon) + (r.coord_source === 'exif' ? ' · ' + S.coord_exif
				: r.coord_source === 'manual' ? ' · ' + S.coord_manual + ': ' + r.coord_reason
				: r.coord_source === 'phone' ? ' · ' + S.coord_phone + ' (' + r.coord_reason + ')' : '')],
			[S.operator, r.operator + ' · ' + r.device], [S.finalised, r.finalised_at],
			[S.received, r.received_at],
			[S.supersedes, r.supersedes ? el('a', { href: '/records/' + r.supersedes, text: r.supersedes }) : ''],
			[S.superseded_by, r.superseded_by ? el('a', { href: '/records/' + r.superseded_by,
				text: r.superseded_by }) : '']
		])]);
		var mapNode = el('div', { id: 'record-map' });
		var side = el('section', { class: 'card' }, [mapNode]);
		var flags = el('section', { class: 'card', id: 'flags' }, [el('h2', { text: S.flags })]);
		if (r.flags.length === 0)
			flags.appendChild(el('p', { class: 'muted', text: S.no_flags }));
		r.flags.forEach(function (f) {
			flags.appendChild(el('p', {}, [el('span', { class: 'tag t-flag', text: FLAGS[f.code] || f.code }),
				' ' + f.message]));
		});
		var review = el('section', { class: 'card', id: 'review' }, [el('h2', { text: S.review_history })]);
		if (r.review.outcome)
			review.appendChild(el('p', { id: 'review-current' }, [el('span', { class: 'tag t-review',
				text: REVIEWS[r.review.outcome] || r.review.outcome }), ' ' + (r.review.at || ''),
				r.review.note ? el('br') : null, r.review.note || null]));
		else
			review.appendChild(el('p', { class: 'muted', id: 'review-current', text: S.no_review }));
		if (r.history.length > 0) {
			/* every review, oldest first, with who made it */
			var list = el('ol', { id: 'review-history', class: 'history' });
			r.history.forEach(function (h) {
				list.appendChild(el('li', {}, [el('span', { class: 'tag t-review',
					text: REVIEWS[h.outcome] || h.outcome }), ' ' + (h.at || '') + ' · ' + S.review_by + ' '
					+ (h.reviewer || S.review_by_command) + (h.note ? ': ' + h.note : '')]));
			});
			review.appendChild(list);
		}
		if (note)
			review.appendChild(el('p', { class: note.ok ? 'ok' : 'error', id: 'review-message',
				role: 'status', text: note.text }));
		if (r.can_review)
			review.appendChild(reviewForm(r));
		else
			review.appendChild(el('p', { class: 'muted', text: S.review_readonly }));
		var photos = el('section', { class: 'card wide' }, [el('h2', { text: S.photos })]);
		var grid = el('div', { class: 'photos', id: 'photos' });
		var kinds = { ktp: S.photo_ktp, kk: S.photo_kk, rumah: S.photo_rumah };
		r.photos.forEach(function (p) {
			grid.appendChild(el('figure', {}, [
				p.arrived === false ? el('p', { class: 'photo-waiting photo-' + p.kind,
					text: S.photo_not_arrived }) :
				el('a', { href: p.url, target: '_blank', rel: 'noopener' }, [el('img', { src: p.url,
					alt: kinds[p.kind] || p.kind, loading: 'lazy', class: 'photo-' + p.kind })]),
				el('figcaption', {}, [el('strong', { text: kinds[p.kind] || p.kind }), el('br'),
					S.taken_at + ': ' + (p.taken_at || '–'), el('br'),
					S.photo_gps + ': ' + (p.lat === null ? S.no_photo_gps : coordText(p.lat, p.lon)), el('br'),
					S.size + ': ' + (p.size < 1024 ? p.size + ' B' : Math.round(p.size / 1024) + ' KiB')])
			]));
		});
		photos.appendChild(grid);
		main.appendChild(el('div', { class: 'record' }, [details, side, flags, review, photos]));
		/* the view first: Leaflet draws vectors only on a map that has one */
		var map = newMap(mapNode);
		var outline = r.kelurahan.outline ? L.geoJSON(r.kelurahan.outline, { interactive: false,
			style: { color: '#12365c', weight: 2, fillColor: '#c3dbf2', fillOpacity: 0.35,
				className: 'kel-outline' } }) : null;
		/* the whole kelurahan with the house in it: a phone's small map at the
		 * house's street level shows only the fill, never the boundary */
		if (outline)
			map.fitBounds(r.lat !== null ? outline.getBounds().extend([r.lat, r.lon])
				: outline.getBounds(), { padding: [6, 6] });
		else if (r.lat !== null)
			map.setView([r.lat, r.lon], 16);
		else
			map.setView([-6.18, 106.63], 12);
		if (outline)
			outline.addTo(map);
		r.photos.forEach(function (p) {
			if (p.lat !== null)
				L.circleMarker([p.lat, p.lon], { radius: 4, color: '#555', weight: 1,
					fillColor: '#fff', fillOpacity: 1 }).addTo(map);
		});
		if (r.lat !== null)
			L.circleMarker([r.lat, r.lon], { radius: 8, color: '#111', weight: 1.5,
				fillColor: (OUTCOMES[r.outcome] || { color: '#444' }).color, fillOpacity: 0.95,
				className: 'point' }).addTo(map);
	}

	function reviewForm(r) {
		var form = el('form', { class: 'review-form', id: 'review-form' });
		var set = el('fieldset');
		['confirmed', 'rejected', 'revisit'].forEach(function (o) {
			var radio = el('input', { type: 'radio', name: 'outcome', value: o, id: 'outcome-' + o });
			if (r.review.outcome === o) radio.checked = true;
			set.appendChild(el('label', {}, [radio, ' ' + REVIEWS[o]]));
		});
		var noteBox = el('textarea', { name: 'note', id: 'review-note', maxlength: '1000' });
		noteBox.value = r.review.note || '';
		form.appendChild(set);
		form.appendChild(el('label', {}, [S.review_note, noteBox]));
		form.appendChild(el('button', { type: 'submit', class: 'primary', id: 'review-save',
			text: S.review_save }));
		form.addEventListener('submit', function (ev) {
			ev.preventDefault();
			var chosen = form.querySelector('input[name=outcome]:checked');
			if (!chosen) {
				renderRecord(r, { ok: false, text: S.bad_review });
				return;
			}
			api('POST', '/web/api/records/' + r.id + '/review',
				{ outcome: chosen.value, note: noteBox.value }).then(function (fresh) {
				renderRecord(fresh, { ok: true, text: S.review_saved });
			}).catch(function (err) {
				renderRecord(r, { ok: false, text: err.message });
			});
		});
		return form;
	}

	var pages = { map: mapPage, list: listPage, record: recordPage };
	var page = pages[body.getAttribute('data-page')];
	if (page) page();
}());
