# Arguments reach the script unchanged, quotes and spaces included.
[ "$#" = 3 ] && [ "$1" = "a b" ] && [ "$2" = "it's" ] && [ "$3" = '$HOME' ]
