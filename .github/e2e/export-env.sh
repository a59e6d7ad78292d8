#!/usr/bin/env bash
# Hands a multi-line file to the job's later steps as the environment variable NAME, the way a
# secret would arrive (`ca-cert: ${{ env.REGISTRY_CA }}` stands in for `${{ secrets.REGISTRY_CA }}`).
#
#   export-env.sh NAME FILE [--mask]
#
# A GITHUB_ENV heredoc with a random delimiter, as GitHub's docs advise, so no line of the value
# can end the block early. --mask: the value's lines are masked in the log (a private key).

# shellcheck source-path=SCRIPTDIR
source "${BASH_SOURCE[0]%/*}/lib.sh"

[ $# -ge 2 ] || fail "usage: export-env.sh NAME FILE [--mask]"
name=$1 file=$2 mask=${3:-}
[ -s "$file" ] || fail "$file is empty or missing"
if [ "$mask" = --mask ]; then
  # Every line but the BEGIN/END armour, which says nothing secret.
  # (`|| [ -n "$line" ]`: a last line without a newline counts too.)
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in '' | -----*) ;; *) echo "::add-mask::$line" ;; esac
  done <"$file"
fi
delimiter="EOF_$(openssl rand -hex 16)"
! grep -qxF -- "$delimiter" "$file" || fail "the delimiter occurs in $file"
{
  echo "$name<<$delimiter"
  cat "$file"
  # The value's last line must end before the delimiter's.
  [ -z "$(tail -c 1 "$file")" ] || echo
  echo "$delimiter"
} >>"${GITHUB_ENV:?GITHUB_ENV is not set}"
echo "$name: $(grep -c '' "$file") line(s) from $file, for the later steps of this job"
