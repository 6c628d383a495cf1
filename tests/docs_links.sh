#!/usr/bin/env bash
# Checks the links of the documentation: every relative Markdown link `](path)`,
# `](path#anchor)`, `](#anchor)` and reference definition `[x]: path` in README.md,
# docs/*.md, bench/README.md and tests/*/README.md must
#   - stay inside the repository (no `../` past its root, no other scheme than http(s)/mailto),
#   - name a file or directory that exists,
#   - and, with an #anchor into a Markdown file, name one of its headings, slugged as GitHub
#     does: markup removed, lower case, punctuation other than '-' and '_' removed, spaces
#     turned into '-', non-ASCII letters kept; a repeated heading gets -1, -2, ...
#     (`<a id="…">`/`<a name="…">` count too; other files accept GitHub's #L12 / #L12-L20).
# External http(s) and mailto links are not checked. Code blocks and `code spans` are skipped.
#
#   tests/docs_links.sh            check; exit 1 listing the broken links
#   tests/docs_links.sh FILE.md …  check these files instead
#
# Needs bash, grep and sed only.
set -uo pipefail
export LC_ALL=C.UTF-8

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 2

if (($# > 0)); then
  files=("$@")
else
  shopt -s nullglob
  files=(README.md docs/*.md bench/README.md tests/*/README.md)
  shopt -u nullglob
fi

# GitHub's heading slug.
slug() {
  local text
  text=$(sed -E 's/!?\[([^]]*)\]\([^)]*\)/\1/g; s/<[^>]*>//g; s/[`*]//g' <<<"$1")
  text=${text,,}
  sed -E 's/[^[:alnum:] _-]//g; s/ /-/g' <<<"$text"
}

# Sets ANCHORS to the anchors of a Markdown file, space-separated (cached).
declare -A anchor_cache=()
ANCHORS=""
anchors_of() {
  local file=$1
  if [[ -n ${anchor_cache[$file]+set} ]]; then
    ANCHORS=${anchor_cache[$file]}
    return
  fi
  local line fence="" text s list=" "
  local -A seen=()
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%$'\r'}
    if [[ $line =~ ^[[:space:]]{0,3}(\`\`\`|~~~) ]]; then
      if [[ -z $fence ]]; then fence=${BASH_REMATCH[1]}; elif [[ ${BASH_REMATCH[1]} == "$fence" ]]; then fence=""; fi
      continue
    fi
    [[ -n $fence ]] && continue
    if [[ $line =~ ^[[:space:]]{0,3}#{1,6}[[:space:]]+(.*)$ ]]; then
      text=${BASH_REMATCH[1]}
      text=$(sed -E 's/[[:space:]]+#+[[:space:]]*$//; s/[[:space:]]+$//' <<<"$text")
      s=$(slug "$text")
      if [[ -n ${seen[$s]+set} ]]; then
        seen[$s]=$((seen[$s] + 1))
        s="$s-${seen[$s]}"
      else
        seen[$s]=0
      fi
      list+="$s "
    fi
    while [[ $line =~ \<a[[:space:]][^\>]*(id|name)=\"([^\"]+)\"(.*)$ ]]; do
      list+="${BASH_REMATCH[2]} "
      line=${BASH_REMATCH[3]}
    done
  done <"$file"
  anchor_cache[$file]=$list
  ANCHORS=$list
}

# Resolves a link path against the linking file's folder; prints the repository-relative
# path, or fails when it leaves the repository.
resolve() {
  local from_dir=$1 path=$2 part
  local -a stack=()
  if [[ $path == /* ]]; then path=${path#/}; elif [[ -n $from_dir ]]; then path="$from_dir/$path"; fi
  IFS='/' read -r -a parts <<<"$path"
  for part in "${parts[@]}"; do
    case $part in
      '' | .) ;;
      ..)
        ((${#stack[@]} == 0)) && return 1
        unset 'stack[${#stack[@]}-1]'
        ;;
      *) stack+=("$part") ;;
    esac
  done
  local IFS=/
  printf '%s' "${stack[*]}"
}

broken=()
checked=0
report() { broken+=("$1:$2: ($3) $4"); }

check_link() {
  local file=$1 lineno=$2 target=$3
  local path anchor resolved dir
  target=${target#<}
  target=${target%>}
  checked=$((checked + 1))
  if [[ -z $target ]]; then
    report "$file" "$lineno" "empty" "an empty link"
    return
  fi
  case $target in
    http://* | https://* | mailto:*) return ;;
    //*)
      report "$file" "$lineno" "$target" "a protocol-relative link: write https://"
      return
      ;;
  esac
  if [[ $target =~ ^[A-Za-z][A-Za-z0-9+.-]*: ]]; then
    report "$file" "$lineno" "$target" "not a relative link nor http(s)"
    return
  fi
  path=${target%%#*}
  anchor=""
  [[ $target == *#* ]] && anchor=${target#*#}
  path=${path%%\?*}
  printf -v path '%b' "${path//%/\\x}"
  dir=$(dirname "$file")
  [[ $dir == . ]] && dir=""
  if [[ -z $path ]]; then
    resolved=$file
  elif ! resolved=$(resolve "$dir" "$path"); then
    report "$file" "$lineno" "$target" "points outside the repository"
    return
  fi
  if [[ -n $resolved && ! -e $resolved ]]; then
    report "$file" "$lineno" "$target" "no such file: $resolved"
    return
  fi
  [[ -z $resolved ]] && resolved=.
  [[ -z $anchor ]] && return
  if [[ -d $resolved ]]; then
    report "$file" "$lineno" "$target" "an anchor on a directory"
  elif [[ $resolved == *.md || $resolved == *.markdown ]]; then
    printf -v anchor '%b' "${anchor//%/\\x}"
    anchors_of "$resolved"
    [[ $ANCHORS == *" ${anchor,,} "* ]] || report "$file" "$lineno" "$target" "no heading #$anchor in $resolved"
  elif ! [[ $anchor =~ ^L[0-9]+(-L[0-9]+)?$ ]]; then
    report "$file" "$lineno" "$target" "an anchor into a file that is not Markdown"
  fi
}

for file in "${files[@]}"; do
  file=${file#./}
  if [[ ! -f $file ]]; then
    broken+=("$file: no such file to check")
    continue
  fi
  lineno=0
  fence=""
  while IFS= read -r line || [[ -n $line ]]; do
    lineno=$((lineno + 1))
    line=${line%$'\r'}
    if [[ $line =~ ^[[:space:]]{0,3}(\`\`\`|~~~) ]]; then
      if [[ -z $fence ]]; then fence=${BASH_REMATCH[1]}; elif [[ ${BASH_REMATCH[1]} == "$fence" ]]; then fence=""; fi
      continue
    fi
    [[ -n $fence ]] && continue
    # Reference definitions: [label]: target
    if [[ $line =~ ^[[:space:]]{0,3}\[[^]]+\]:[[:space:]]*([^[:space:]]+) ]]; then
      check_link "$file" "$lineno" "${BASH_REMATCH[1]}"
      continue
    fi
    [[ $line == *']('* ]] || continue
    # Drop code spans, then take every ](target) with its optional "title".
    stripped=$(sed -E 's/``[^`]*``//g; s/`[^`]*`//g' <<<"$line")
    while IFS= read -r found; do
      [[ -z $found ]] && continue
      found=${found#](}
      found=${found%)}
      found=$(sed -E 's/^[[:space:]]+//; s/[[:space:]]+("[^"]*"|'\''[^'\'']*'\'')?[[:space:]]*$//' <<<"$found")
      check_link "$file" "$lineno" "$found"
    done < <(grep -oE '\]\((<[^>]*>|[^()[:space:]]*(\([^()]*\)[^()[:space:]]*)*)([[:space:]]+("[^"]*"|'\''[^'\'']*'\''))?[[:space:]]*\)' <<<"$stripped")
  done <"$file"
done

if ((${#broken[@]} > 0)); then
  printf 'broken links (%d):\n' "${#broken[@]}"
  printf '  %s\n' "${broken[@]}"
  exit 1
fi
printf 'docs links: %d links in %d files, all resolve inside the repository\n' "$checked" "${#files[@]}"
