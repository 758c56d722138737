# A plugin that crashes on one word kills one worker: the parent says so,
# exits 1, and everything the other workers found is still written.
. "$(dirname "$0")/lib.sh"
{ seq -f "hit-%g" 1 400; echo crash; seq -f "hit-%g" 401 800; } > words.txt
"$SALVO" -j 2 -t 20 --chunk 50 -p "$TEST_PLUGINS/crash_match.so" --connect-to "$CT" \
    -f jsonl -w words.txt > out.jsonl 2> err.txt
rc=$?
check "exit status 1 after a worker died (got $rc)" [ $rc -eq 1 ]
check "the death is reported" contains err.txt "died of signal 11"
check "the lost words are counted" contains err.txt "words handed to worker"
n=$(grep -c '"verdict":"hit"' out.jsonl)
check "most hits still written ($n)" [ "$n" -ge 600 ]
check "fields from match() in jsonl" contains out.jsonl '"fields":{"len":"x"}'
check "no torn json line" [ -z "$(grep -v '^{.*}$' out.jsonl)" ]
finish
