/* argv and a chosen environment variable are passed through. */
//! args: alpha "two words" "" --flag=value 'quote"d' ünïcödé
//! env: NTO_TEST_VAR=hello world
//! env: NTO_TEST_EMPTY=
#include "t.h"

extern char **environ;

int main(int argc, char **argv)
{
        SAY("argc: %d", argc);
        const char *base = strrchr(argv[0], '/');
        SAY("argv[0] basename: %s", base ? base + 1 : argv[0]);
        YESNO("argv[0] absolute", argv[0][0] == '/');
        for (int i = 1; i < argc; i++)
                SAY("argv[%d]: [%s]", i, argv[i]);
        YESNO("argv[argc] == NULL", argv[argc] == NULL);

        const char *v = getenv("NTO_TEST_VAR");
        SAY("NTO_TEST_VAR: %s", v ? v : "(unset)");
        v = getenv("NTO_TEST_EMPTY");
        SAY("NTO_TEST_EMPTY: %s", v ? (*v ? v : "(empty)") : "(unset)");
        v = getenv("NTO_TEST_UNSET");
        SAY("NTO_TEST_UNSET: %s", v ? v : "(unset)");
        v = getenv("PATH");
        SAY("PATH: %s", v ? v : "(unset)");

        /* Print the whole environment, sorted, for a controlled env. */
        int n = 0;
        for (char **e = environ; *e; e++)
                n++;
        SAY("environ entries: %d", n);
        char **copy = calloc(n + 1, sizeof *copy);
        for (int i = 0; i < n; i++)
                copy[i] = environ[i];
        for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                        if (strcmp(copy[i], copy[j]) > 0) {
                                char *t = copy[i];
                                copy[i] = copy[j];
                                copy[j] = t;
                        }
        for (int i = 0; i < n; i++)
                SAY("  %s", copy[i]);

        CHECK("setenv", setenv("NTO_NEW", "v", 1));
        SAY("getenv after setenv: %s", getenv("NTO_NEW"));

        /* auxv basics via getauxval-free check: page size */
        YESNO("sysconf page size 4096", sysconf(_SC_PAGESIZE) == 4096);
        return argc == 7 ? 0 : 3;
}
