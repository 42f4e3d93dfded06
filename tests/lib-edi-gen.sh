# tests/lib-edi-gen.sh: helpers for the edi-gen tests (t14xx), sourced
# after lib.sh.

# x12_segments FILE: one segment per line, delimiters normalised to * : ~
# (element, component), whatever the file used; line breaks dropped.
x12_segments() {
	awk 'BEGIN { RS = "^$" } {
		el = substr($0, 4, 1); comp = substr($0, 105, 1)
		term = substr($0, 106, 1)
		s = $0; gsub(/\r?\n/, "", s)
		n = split(s, segs, term)
		for (i = 1; i <= n; i++) {
			if (segs[i] == "") continue
			t = segs[i]; out = ""
			for (j = 1; j <= length(t); j++) {
				c = substr(t, j, 1)
				if (c == el) c = "*"; else if (c == comp) c = ":"
				out = out c
			}
			print out
		}
	}' "$1"
}

# x12_check FILE: envelope sanity.  Prints problems, exits 1 if any:
# ISA is 106 bytes, SE01 = segments in the set, SE02 = ST02, GE01 = sets,
# GE02 = GS06, IEA01 = groups, IEA02 = ISA13, HL parents exist, every
# claim's CLM02 = sum of its SV102 (unless skip_totals=1).
x12_check() {
	head -c 106 "$1" | awk -v f="$1" 'BEGIN { RS = "^$" } {
		if (length($0) != 106 || substr($0, 1, 3) != "ISA") {
			print f ": ISA is not 106 bytes"; exit 1 } }' || return 1
	x12_segments "$1" | awk -F'*' -v skip="${skip_totals:-0}" '
	function cents(v,  a, b) {
		if (index(v, ".") == 0) return v * 100
		split(v, a, "."); b = substr(a[2] "00", 1, 2)
		return a[1] * 100 + b
	}
	function endclaim() {
		if (inclm && !skip && tot != sum) {
			print "CLM " acct ": total " tot " != lines " sum; bad++ }
		inclm = 0
	}
	{ id = $1 }
	id == "ISA" { isa13 = $14; ngs = 0; next }
	id == "GS" { gs06 = $7; nst = 0; ngs++; next }
	id == "ST" { st02 = $3; cnt = 1; nst++; delete hl; next }
	{ cnt++ }
	id == "HL" { hl[$2] = 1; if ($3 != "" && !($3 in hl)) {
		print "HL " $2 ": unknown parent " $3; bad++ } }
	id == "HL" || id == "SE" { endclaim() }
	id == "CLM" { endclaim(); inclm = 1; acct = $2; tot = cents($3);
		sum = 0; nclm++ }
	id == "SV1" && inclm { sum += cents($3) }
	id == "SE" { if ($2 != cnt) { print "SE " st02 ": SE01 " $2 \
		" but " cnt " segments"; bad++ }
		if ($3 != st02) { print "SE02 " $3 " != ST02 " st02; bad++ } }
	id == "GE" { if ($2 != nst) { print "GE01 " $2 " != " nst; bad++ }
		if ($3 != gs06) { print "GE02 " $3 " != " gs06; bad++ } }
	id == "IEA" { if ($2 != ngs) { print "IEA01 " $2 " != " ngs; bad++ }
		if ($3 != isa13) { print "IEA02 " $3 " != " isa13; bad++ } }
	END { if (nclm == 0) { print "no CLM"; bad++ } exit bad > 0 }'
}

# npi_ok NPI: the CMS check digit (Luhn with the 80840 prefix).
npi_ok() {
	echo "$1" | awk '{
		if (length($0) != 10 || $0 !~ /^[0-9]+$/) exit 1
		s = 24
		for (i = 9; i >= 1; i--) {
			d = substr($0, i, 1) + 0
			if ((9 - i) % 2 == 0) { d *= 2; if (d > 9) d -= 9 }
			s += d
		}
		exit ((10 - s % 10) % 10 != substr($0, 10, 1) + 0)
	}'
}
