using KmodPS.Core.Packages;

namespace KmodPS.Core.TestRoots;

/// <summary>AlmaLinux 9.7 trees: kernels, BLS entries, grubenv, kmod-nvidia-open and the rpm/dnf answers.</summary>
internal static class AlmaScenarios
{
    private const string MachineId = "0d1e5f7a2b3c4d5e6f708192a3b4c5d6";
    private const string Nvidia = "595.58.03";
    private static readonly string[] Releases = { "611.41.1.el9_7", "611.45.1.el9_7", "611.49.1.el9_7" };

    /// <param name="installed">How many of the three kernels are installed (oldest first).</param>
    /// <param name="kmodFor">How many kernels kmod-nvidia-open exists for (oldest first), installed where the kernel is.</param>
    /// <param name="available">How many kernels the repository offers (oldest first).</param>
    public static void Build(TreeWriter tree, TestRootAnswers answers, int installed, int kmodFor, int defaultIndex, int available = 3)
    {
        tree.Text("/etc/os-release", "NAME=\"AlmaLinux\"\nVERSION=\"9.7 (Moss Jungle Cat)\"\nID=\"almalinux\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.7\"\nPLATFORM_ID=\"platform:el9\"\nPRETTY_NAME=\"AlmaLinux 9.7 (Moss Jungle Cat)\"\n");
        tree.Text("/etc/machine-id", MachineId + "\n");
        tree.Text("/etc/default/grub", "GRUB_TIMEOUT=5\nGRUB_DEFAULT=saved\nGRUB_DISABLE_SUBMENU=true\nGRUB_ENABLE_BLSCFG=true\n");
        for (var i = 0; i < available; i++)
        {
            var kernel = Kernel(i);
            answers.Available.Add(Package("kernel-core", "5.14.0", Releases[i], new List<string>(), new List<string> { $"kernel-uname-r = {kernel}" }));
            if (i < kmodFor)
            {
                answers.Available.Add(Package("kmod-nvidia-open", Nvidia, "1.el9_7" + (i == 0 ? string.Empty : "." + Releases[i].Replace('.', '_')),
                    new List<string> { $"kernel-uname-r = {kernel}" }, new List<string> { "kmod(nvidia.ko)", "kmod(nvidia-drm.ko)", "kmod(nvidia-modeset.ko)", "kmod(nvidia-uvm.ko)" }));
            }
            if (i < installed)
            {
                InstallKernel(tree, answers, i, withKmod: i < kmodFor);
            }
        }
        tree.Bytes("/boot/grub2/grubenv", GrubEnvironmentFile.Create(("saved_entry", $"{MachineId}-{Kernel(defaultIndex)}"), ("boot_success", "0")));
    }

    private static void InstallKernel(TreeWriter tree, TestRootAnswers answers, int index, bool withKmod)
    {
        var kernel = Kernel(index);
        var modules = $"/lib/modules/{kernel}";
        tree.Text($"/boot/vmlinuz-{kernel}", "test root kernel image\n");
        tree.Text($"{modules}/vmlinuz", "test root kernel image\n");
        tree.Text($"{modules}/modules.order", "kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko\n");
        tree.Bytes($"{modules}/kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko", Module("e1000e", null, kernel, inTree: true));
        tree.Text($"/boot/loader/entries/{MachineId}-{kernel}.conf",
            $"title AlmaLinux ({kernel}) 9.7 (Moss Jungle Cat)\nversion {kernel}\nlinux /vmlinuz-{kernel}\ninitrd /initramfs-{kernel}.img\noptions root=UUID=5a1b2c3d-0000-4000-8000-000000000001 ro\ngrub_users $grub_users\ngrub_arg --unrestricted\ngrub_class almalinux\n");
        answers.Installed.Add(new InstalledPackageAnswer { Package = $"kernel-core-5.14.0-{Releases[index]}.x86_64", Files = { $"/boot/vmlinuz-{kernel}", $"{modules}/vmlinuz" } });
        if (!withKmod)
        {
            return;
        }
        var kmod = new InstalledPackageAnswer { Package = $"kmod-nvidia-open-{Nvidia}-1.el9_7{(index == 0 ? string.Empty : "." + Releases[index].Replace('.', '_'))}.x86_64" };
        // rpm owns the directory too (%dir): it names the package even when every module file is gone.
        kmod.Files.Add($"{modules}/extra/nvidia-open");
        foreach (var name in new[] { "nvidia", "nvidia-drm", "nvidia-modeset", "nvidia-uvm" })
        {
            var path = $"{modules}/extra/nvidia-open/{name}.ko";
            tree.Bytes(path, Module(name.Replace('-', '_'), Nvidia, kernel, inTree: false));
            kmod.Files.Add(path);
        }
        answers.Installed.Add(kmod);
    }

    private static string Kernel(int index) => $"5.14.0-{Releases[index]}.x86_64";

    private static AvailablePackageAnswer Package(string name, string version, string release, List<string> requires, List<string> provides) =>
        new() { Name = name, Version = version, Release = release, Repository = "appstream", Requires = requires, Provides = provides };

    public static byte[] Module(string name, string? version, string kernel, bool inTree)
    {
        var fields = new List<KeyValuePair<string, string>> { new("license", "GPL") };
        if (version is not null)
        {
            fields.Add(new("version", version));
        }
        if (inTree)
        {
            fields.Add(new("intree", "Y"));
        }
        fields.Add(new("name", name));
        fields.Add(new("vermagic", $"{kernel} SMP preempt mod_unload modversions "));
        return ElfModuleWriter.Write(fields);
    }
}
