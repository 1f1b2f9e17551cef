/* The interface between the nto CLI and a platform launcher. */
#ifndef HOST_LAUNCH_H
#define HOST_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hostcall_server.h"

/* Everything a platform needs to run one program. */
struct nto_launch {
	const uint8_t *image; /* root image (nto/image.h); its SHA-256 is the measurement */
	size_t image_size;
	const uint8_t *boot; /* boot records (nto/bootargs.h), each padded to 8 bytes */
	size_t boot_size;
	struct hc_server *server; /* serves the guest's host calls; mounts already added */
	uint64_t enclave_size;    /* bytes for the guest; the platform adds the image on top */
	bool verbose;
	const char *accel;    /* VM platforms: "auto", "tcg" or "kvm" (nto run --accel) */
	const char *self_dir; /* directory of the nto binary (to find build artifacts) */
};

/* Runs the program on the sgx-sim platform; returns nto's exit status. */
int sgxsim_launch(const struct nto_launch *l);

/* The QEMU accelerator for the VM platforms: "kvm" when asked for, or
 * (auto) when /dev/kvm opens and the CPU has hardware VMX or SVM (a
 * software /dev/kvm, as on machines without them, runs ring 3 wrongly);
 * otherwise "tcg". */
const char *vm_accel(const char *want);

/* Runs the program on the x86_64-vm platform (QEMU); returns nto's exit status. */
int x86vm_launch(const struct nto_launch *l);

/* Runs the program on the riscv64-vm platform (QEMU virt + OpenSBI); returns
 * nto's exit status. */
int rvvm_launch(const struct nto_launch *l);

/* The sgx-sim zygote (nto --sgxsim-zygote, started by the launcher on the
 * first fork): forks the host processes of satellite enclaves. */
int sgxsim_zygote_main(int fd);

#endif
