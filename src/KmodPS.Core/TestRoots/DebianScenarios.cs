using System.Security.Cryptography.X509Certificates;

namespace KmodPS.Core.TestRoots;

/// <summary>Debian 12 trees: two kernels (one without headers), a DKMS tree, dpkg database, GRUB and efivars.</summary>
internal static class DebianScenarios
{
    public const string Current = "6.1.0-56-amd64";
    public const string Older = "6.1.0-55-amd64";
    private const string Uuid = "3f1e0c2a-7b5d-4e61-9a0f-2c4d6e8f1a3b";
    private const string EfiGlobal = "8be4df61-93ca-11d2-aa0d-00e098032b8c";
    private static readonly DateTime BuiltAt = new(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc);

    /// <param name="headersChangedAfterBuild">Debian seed 2: linux-headers/kbuild changed in place after the DKMS build.</param>
    /// <param name="secureBoot">Secure Boot on, module signed by a MOK key that is not in MokListRT.</param>
    public static void Build(TreeWriter tree, bool headersChangedAfterBuild, bool secureBoot)
    {
        tree.Text("/etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n");
        tree.Text("/etc/default/grub", "GRUB_DEFAULT=saved\nGRUB_TIMEOUT=5\nGRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
        var status = new List<string>();
        foreach (var kernel in new[] { Older, Current })
        {
            InstallKernel(tree, kernel, status);
        }
        InstallHeaders(tree, Current, status);
        tree.Text("/var/lib/dpkg/status", string.Join("\n", status));
        WriteGrub(tree);
        var module = AlmaScenarios.Module("v4l2loopback", null, Current, inTree: false);
        if (secureBoot)
        {
            using var certificate = ModuleSigner.CreateSigningCertificate("DKMS module signing key", new byte[] { 0x14, 0x90, 0x68, 0xE2, 0x4A, 0x71, 0x94, 0x86 });
            module = ModuleSigner.Sign(module, certificate);
            tree.Bytes("/var/lib/dkms/mok.pub", certificate.Export(X509ContentType.Cert));
            tree.Bytes($"/sys/firmware/efi/efivars/SecureBoot-{EfiGlobal}", new byte[] { 7, 0, 0, 0, 1 });
        }
        InstallDkms(tree, module);
        var headersTime = headersChangedAfterBuild ? BuiltAt.AddHours(1) : BuiltAt.AddDays(-1);
        foreach (var file in new[] { ".config", "Module.symvers", "Makefile" })
        {
            tree.Touch($"/usr/src/linux-headers-{Current}/{file}", headersTime);
        }
    }

    private static void InstallKernel(TreeWriter tree, string kernel, List<string> status)
    {
        var modules = $"/lib/modules/{kernel}";
        tree.Text($"/boot/vmlinuz-{kernel}", "test root kernel image\n");
        tree.Text($"{modules}/modules.order", "kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko\n");
        tree.Bytes($"{modules}/kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko", AlmaScenarios.Module("e1000e", null, kernel, inTree: true));
        var package = $"linux-image-{kernel}";
        status.Add($"Package: {package}\nStatus: install ok installed\nPriority: optional\nSection: kernel\nArchitecture: amd64\nSource: linux-signed-amd64\nVersion: 6.1.{(kernel == Current ? "192-2" : "191-1")}\nDescription: Linux 6.1 for 64-bit PCs (signed)\n");
        tree.Text($"/var/lib/dpkg/info/{package}.list", $"/.\n/boot\n/boot/vmlinuz-{kernel}\n/lib\n/lib/modules\n{modules}\n{modules}/modules.order\n");
    }

    private static void InstallHeaders(TreeWriter tree, string kernel, List<string> status)
    {
        var headers = $"/usr/src/linux-headers-{kernel}";
        tree.Text($"{headers}/.config", "CONFIG_MODULES=y\nCONFIG_MODULE_SIG=y\n");
        tree.Text($"{headers}/Module.symvers", "0x00000000\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n");
        tree.Text($"{headers}/Makefile", "include /usr/src/linux-headers-6.1.0-56-common/Makefile\n");
        tree.Link($"/lib/modules/{kernel}/build", headers);
        var package = $"linux-headers-{kernel}";
        status.Add($"Package: {package}\nStatus: install ok installed\nArchitecture: amd64\nVersion: 6.1.192-2\nDescription: Header files for Linux {kernel}\n");
        tree.Text($"/var/lib/dpkg/info/{package}.list", $"/.\n/lib/modules/{kernel}/build\n{headers}\n");
    }

    private static void InstallDkms(TreeWriter tree, byte[] module)
    {
        const string Version = "0.12.7";
        tree.Text($"/usr/src/v4l2loopback-{Version}/dkms.conf",
            $"PACKAGE_NAME=\"v4l2loopback\"\nPACKAGE_VERSION=\"{Version}\"\nMAKE[0]=\"make KERNEL_DIR=${{kernel_source_dir}} all\"\nBUILT_MODULE_NAME[0]=\"$PACKAGE_NAME\"\nDEST_MODULE_LOCATION[0]=\"/extra\"\nAUTOINSTALL=\"yes\"\n");
        tree.Link($"/var/lib/dkms/v4l2loopback/{Version}/source", $"/usr/src/v4l2loopback-{Version}");
        var build = $"/var/lib/dkms/v4l2loopback/{Version}/{Current}/x86_64";
        tree.Bytes($"{build}/module/v4l2loopback.ko", module);
        tree.Text($"{build}/log/make.log", $"DKMS make.log for v4l2loopback-{Version} for kernel {Current} (x86_64)\n");
        tree.Link($"/var/lib/dkms/v4l2loopback/kernel-{Current}-x86_64", $"{Version}/{Current}/x86_64");
        tree.Bytes($"/lib/modules/{Current}/updates/dkms/v4l2loopback.ko", module);
        foreach (var file in new[] { $"{build}/module/v4l2loopback.ko", $"{build}/log/make.log", $"/lib/modules/{Current}/updates/dkms/v4l2loopback.ko" })
        {
            tree.Touch(file, BuiltAt);
        }
    }

    private static void WriteGrub(TreeWriter tree)
    {
        var entries = string.Concat(new[] { Current, Older }.Select(k =>
            $"\tmenuentry 'Debian GNU/Linux, with Linux {k}' --class debian --class gnu-linux --class gnu --class os $menuentry_id_option 'gnulinux-{k}-advanced-{Uuid}' {{\n\t\tlinux\t/boot/vmlinuz-{k} root=UUID={Uuid} ro  quiet\n\t}}\n"));
        tree.Text("/boot/grub/grub.cfg",
            "### BEGIN /etc/grub.d/00_header ###\nif [ -s $prefix/grubenv ]; then\n  set have_grubenv=true\n  load_env\nfi\n"
            + "if [ \"${next_entry}\" ] ; then\n   set default=\"${next_entry}\"\n   set next_entry=\n   save_env next_entry\n   set boot_once=true\nelse\n   set default=\"${saved_entry}\"\nfi\n"
            + "### END /etc/grub.d/00_header ###\n### BEGIN /etc/grub.d/10_linux ###\n"
            + $"menuentry 'Debian GNU/Linux' --class debian --class gnu-linux --class gnu --class os $menuentry_id_option 'gnulinux-simple-{Uuid}' {{\n\tlinux\t/boot/vmlinuz-{Current} root=UUID={Uuid} ro  quiet\n}}\n"
            + $"submenu 'Advanced options for Debian GNU/Linux' $menuentry_id_option 'gnulinux-advanced-{Uuid}' {{\n{entries}}}\n"
            + "### END /etc/grub.d/10_linux ###\n");
        tree.Bytes("/boot/grub/grubenv", GrubEnvironmentFile.Create(("saved_entry", $"gnulinux-advanced-{Uuid}>gnulinux-{Current}-advanced-{Uuid}")));
    }
}
