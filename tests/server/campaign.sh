# campaign.sh: a small verification campaign built through the real server,
# whose true figures the report tests know (sourced after tap.sh and lib.sh).
#
# Three kelurahan: K1 and K2 in kecamatan 36.71.01, K3 in 36.71.05.  Each
# household of a plan below is a registry resident on the candidate list;
# "-" is one nobody verified yet.  On top of the plans:
#  - budi verifies K1 #1 again (layak): one household, duplicate_nik flagged;
#  - siti first sends K1 #6 as layak, then a correction to meninggal;
#  - andi verifies a K3 resident who is not on the candidate list (layak);
#  - the city confirms K1 #2, rejects K1 #3, asks to revisit K3 #7.
# The expected figures are written out in report.test.

K1=36.71.01.1001 K2=36.71.01.1002 K3=36.71.05.1001
PLAN_K1="L L L L L T:meninggal T:sudah-mampu T:tidak-ditemukan T:tidak-ditemukan T:lainnya - -"
PLAN_K2="L L L T:pindah T:tidak-ditemukan - - -"
PLAN_K3="L L L L L L T:menolak T:tidak-ditemukan - -"
# the long name of K1 #4 wraps in the PDF; K2 #1 carries non-ASCII letters
LONG_NAME="Ni Luh Putu Ayu Sekar Ratnaningsih Kusumawardhani Dewi"

# camp_nik KEL IDX: the resident's NIK (kecamatan digits, born 15-03-1985, serial)
camp_nik() {
	case $1 in $K3) pre=367105; base=500 ;; $K2) pre=367101; base=200 ;; *) pre=367101; base=0 ;; esac
	printf '%s150385%04d' "$pre" $((base + $2))
}

# camp_kk NIK: the household's KK (16 digits)
camp_kk() { printf '%s150312%s' "$(echo "$1" | cut -c1-6)" "$(echo "$1" | cut -c13-16)"; }

camp_name() {
	if [ "$1" = "$K1" ] && [ "$2" = 4 ]; then printf '%s' "$LONG_NAME"
	elif [ "$1" = "$K2" ] && [ "$2" = 1 ]; then printf 'Dédé Sunarya Ñoman'
	else printf 'Warga %s Nomor %02d' "$(echo "$1" | cut -c10-13)" "$2"; fi
}

# RT cycles 1..3, RW 1..2: K1 spreads over several sections of the PDF
camp_rt() { printf '%03d' $(( ($2 - 1) % 3 + 1 )); }
camp_rw() { printf '%03d' $(( ($2 - 1) / 6 + 1 )); }

camp_plan() {
	case $1 in $K1) echo "$PLAN_K1" ;; $K2) echo "$PLAN_K2" ;; *) echo "$PLAN_K3" ;; esac
}

# camp_json ID KEL IDX DECISION REASON LAT LON [SUPERSEDES]
camp_json() {
	nik=$(camp_nik "$2" "$3")
	text=""
	[ "$5" = lainnya ] && text="rumah kosong sejak tahun lalu"
	nik_photos "$nik"
	cat <<EOF
{"id":"$1","nik":"$nik","in_registry":true,"name":"$(camp_name "$2" "$3")",
 "address":"Jl. Kenanga No. $3","kelurahan":"$2","kk":"$(camp_kk "$nik")",
 "decision":"$4","reason":"$5","reason_text":"$text","notes":"",
 "coord":{"lat":$6,"lon":$7,"source":"exif","reason":""},
 "photos":[{"kind":"ktp","sha256":"$P1","size":$(blob_size "$P1"),"gps":null,"taken_at":""},
  {"kind":"kk","sha256":"$P2","size":$(blob_size "$P2"),"gps":null,"taken_at":""},
  {"kind":"rumah","sha256":"$P3","size":$(blob_size "$P3"),"gps":{"lat":$6,"lon":$7},"taken_at":"2025-03-14 09:15:02"}],
 "operator":"x","supersedes":"${8:-}","created_at":"2025-03-14T02:10:00Z","finalised_at":"2025-03-14T02:16:40Z"}
EOF
}

# camp_send ID KEL IDX DECISION REASON [SUPERSEDES]: the record, at the IDX-th point of KEL
camp_send() {
	pt=$(sed -n "${3}p" "$tmp/points.$2")
	camp_json "$1" "$2" "$3" "$4" "$5" "${pt% *}" "${pt#* }" "${6:-}" >"$tmp/rec.json"
	code=$(api PUT "/verifications/$1" -H 'Content-Type: application/json' --data-binary @"$tmp/rec.json")
	[ "$code" = 201 ] || { diag "record $2 #$3: $code $(cat "$tmp/body")"; return 1; }
	echo "$2 $3 $1" >>"$tmp/ids"
}

# camp_id KEL IDX: the id of the (last) record sent for it
camp_id() { awk -v k="$1" -v i="$2" '$1 == k && $2 == i { id = $3 } END { print id }' "$tmp/ids"; }

camp_build() {
	echo "nik,kk,name,sex,birth_place,birth_date,address,rt,rw,kelurahan" >"$tmp/res.csv"
	echo "kk,nik,kelurahan,program" >"$tmp/cand.csv"
	for kel in $K1 $K2 $K3; do
		n=0
		for step in $(camp_plan $kel) extra; do
			n=$((n + 1))
			nik=$(camp_nik $kel $n)
			kk=$(camp_kk "$nik")
			echo "$nik,$kk,$(camp_name $kel $n),L,Tangerang,1985-03-15,Jl. Kenanga No. $n,$(camp_rt $kel $n),$(camp_rw $kel $n),$kel" >>"$tmp/res.csv"
			[ "$step" = extra ] && continue
			echo "$kk,$nik,$kel,PKH" >>"$tmp/cand.csv"
		done
		"$RESULTS_CHECK" inside $kel 16 >"$tmp/points.$kel" || return 1
	done
	# a household in two programmes is still one household
	sed -n '2p' "$tmp/cand.csv" | sed 's/,PKH$/,BPNT/' >>"$tmp/cand.csv"
	"$SIGACOR_SERVER" import-residents "$tmp/res.csv" --data "$DATA" >/dev/null || return 1
	"$SIGACOR_SERVER" import-candidates "$tmp/cand.csv" --data "$DATA" >/dev/null || return 1
	operator siti $K1,$K2 && operator budi $K1 && operator andi $K3 || return 1
	srv_start || return 1
	TS=$(login siti laptop-1) TB=$(login budi laptop-2) TA=$(login andi laptop-3)
	TOKEN=$TS
	make_jpeg "$tmp/ktp.jpg" 2000; make_jpeg "$tmp/kk.jpg" 3000; make_jpeg "$tmp/rumah.jpg" 4000
	H1=$(sha "$tmp/ktp.jpg") H2=$(sha "$tmp/kk.jpg") H3=$(sha "$tmp/rumah.jpg")
	for f in ktp kk rumah; do
		api PUT "/blobs/$(sha "$tmp/$f.jpg")" -H 'Content-Type: image/jpeg' \
			--data-binary @"$tmp/$f.jpg" >/dev/null
	done
	: >"$tmp/ids"
	# the correction's first version, before the plan's record of K1 #6
	camp_send "$(uuid)" $K1 6 layak "" || return 1
	first6=$(camp_id $K1 6)
	for kel in $K1 $K2 $K3; do
		[ "$kel" = "$K3" ] && TOKEN=$TA
		n=0
		for step in $(camp_plan $kel); do
			n=$((n + 1))
			case $step in
			-) continue ;;
			L) camp_send "$(uuid)" $kel $n layak "" || return 1 ;;
			T:*) sup=""
				[ "$kel" = "$K1" ] && [ $n = 6 ] && sup=$first6
				camp_send "$(uuid)" $kel $n tidak-layak "${step#T:}" "$sup" || return 1 ;;
			esac
		done
	done
	# andi: a resident not on the list
	camp_send "$(uuid)" $K3 11 layak "" || return 1
	TOKEN=$TB
	camp_send "$(uuid)" $K1 1 layak "" || return 1
	TOKEN=
	"$SIGACOR_SERVER" review "$(camp_id $K1 2)" --outcome confirmed --data "$DATA" >/dev/null \
		&& "$SIGACOR_SERVER" review "$(camp_id $K1 3)" --outcome rejected --note "foto buram" \
			--data "$DATA" >/dev/null \
		&& "$SIGACOR_SERVER" review "$(camp_id $K3 7)" --outcome revisit --data "$DATA" >/dev/null
}
