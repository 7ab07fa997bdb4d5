# shellcheck shell=sh
# Sourced by harness/tables (after lib/common.sh): gnuplot SVG + PNG plots.
# plots PLOTDIR PREFIX: PLOTDIR holds bars-s<S>-<metric>.dat and
# timelines.list from render.awk; plots go to PREFIX.<name>.svg|png.

# gq STRING: STRING as a gnuplot single-quoted string.
gq() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"
}

# draw NAME SCRIPT: render the plot commands in SCRIPT as SVG and PNG.
draw() {
	{
		printf 'set terminal svg size 900,500 font "sans,11"\n'
		printf 'set output %s\n' "$(gq "$plot_prefix.$1.svg")"
		cat "$2"
		printf 'set terminal %s size 900,500\n' "$plot_png"
		printf 'set output %s\n' "$(gq "$plot_prefix.$1.png")"
		printf 'replot\n'
	} >"$2.gp"
	if ! "$plot_gp" "$2.gp" >"$2.log" 2>&1; then
		msg "gnuplot failed on $1:"
		cat "$2.log" >&2
		return 1
	fi
}

bars() {
	dat=$1 name=$(basename "$1" .dat)
	tab=$(printf '\t')
	name=${name#bars-}
	scen=${name#s}
	if ! awk -F "$tab" '$2 != "?" || $4 != "?" { found = 1 } END { exit !found }' "$dat"; then
		msg "$name: no numbers to plot, skipped"
		return 0
	fi
	# Autoscaling ignores the error bars: leave room for them.
	ymax=$(awk -F "$tab" '{ for (j = 2; j <= 4; j += 2) if ($j != "?" && $j + $(j + 1) > m) m = $j + $(j + 1) }
		END { print (m > 0 ? m * 1.1 : 1) }' "$dat")
	case $name in
	*-time) what="time (ms)" ;;
	*) what="calc rate (M/s)" ;;
	esac
	{
		printf 'set title %s\n' "$(gq "[${scen%%-*}] $what: -APF vs +APF, mean and stddev")"
		printf 'set title noenhanced\nset xtics noenhanced\n'
		printf 'set style data histograms\nset style histogram errorbars gap 1 lw 1\n'
		printf 'set style fill solid 0.5 border -1\nset datafile missing "?"\nset datafile separator tab\n'
		printf 'set yrange [0:%s]\nset ylabel %s\nset key outside right top\n' "$ymax" "$(gq "$what")"
		printf 'plot %s using 2:3:xtic(1) title "-APF", "" using 4:5 title "+APF"\n' "$(gq "$dat")"
	} >"$plot_dir/$name.cmd"
	draw "$name" "$plot_dir/$name.cmd"
}

timeline() {
	tl=$plot_dir/timeline.dat cmd=$plot_dir/s3-timeline.cmd
	: >"$tl"
	sep=plot n=0
	while IFS="$(printf '\t')" read -r file title; do
		[ -f "$file" ] || continue
		awk -v f="$file" '
			/^[ \t]*$/ { next }
			NF != 3 || $1 !~ /^[0-9]+$/ || $2 !~ /^[0-9]+(\.[0-9]+)?$/ || $3 !~ /^[0-9]+(\.[0-9]+)?$/ {
				printf "tables: %s:%d: want \"pass start_ms pass_ms\"\n", f, FNR > "/dev/stderr"
				exit 2
			}
			{ print $2 / 1000, $3 }
			END { printf "\n\n" }' "$file" >>"$tl" || return 2
		printf '%s %s index %d using 1:2 with linespoints title %s' "$sep" \
			"$(gq "$tl")" "$n" "$(gq "$title")" >>"$cmd"
		sep=, n=$((n + 1))
	done <"$plot_dir/timelines.list"
	if [ "$n" = 0 ]; then
		msg "no timeline data (records/s3-*.timeline): timeline plot skipped"
		return 0
	fi
	printf '\n' >>"$cmd"
	{
		printf 'set title "[3] testsuite-mem write passes over time"\n'
		printf 'set xlabel "time since workload start (s)"\nset ylabel "ms per pass"\n'
		printf 'set key outside right top noenhanced\nset grid\n'
		cat "$cmd"
	} >"$cmd.full"
	draw s3-timeline "$cmd.full"
}

plots() {
	plot_dir=$1 plot_prefix=$2 plot_gp=${GNUPLOT:-gnuplot}
	if ! command -v "$plot_gp" >/dev/null 2>&1; then
		msg "$plot_gp not found: plots skipped"
		return 0
	fi
	plot_png=png
	"$plot_gp" -e 'set terminal pngcairo' >/dev/null 2>&1 && plot_png=pngcairo
	for dat in "$plot_dir"/bars-*.dat; do
		[ -e "$dat" ] || continue
		bars "$dat" || return
	done
	: >>"$plot_dir/timelines.list"
	timeline
}
