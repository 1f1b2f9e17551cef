/* empty: a static program that does nothing; its start-to-exit wall time is
 * measured from outside by `walltime`. */
int main(void)
{
	return 0;
}
