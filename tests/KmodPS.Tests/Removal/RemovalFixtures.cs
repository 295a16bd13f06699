using KmodPS.Core.Boot;
using KmodPS.Core.Guard;
using KmodPS.Core.Models;
using KmodPS.Core.Readiness;
using KmodPS.Core.Removal;
using KmodPS.Core.Packages;

namespace KmodPS.Tests.Removal;

/// <summary>Package and kernel data for the removal tests, shaped like the lab's alma-nvidia-after world.</summary>
internal static class RemovalFixtures
{
    public const string K41 = "5.14.0-611.41.1.el9_7.x86_64";
    public const string K45 = "5.14.0-611.45.1.el9_7.x86_64";
    public const string K49 = "5.14.0-611.49.1.el9_7.x86_64";

    // The output of RpmPackageQuery's rpm -qa on alma-nvidia-after (rpmlib requirements shortened).
    public const string RpmOutput =
        "kernel-modules-core\t0\t5.14.0\t611.41.1.el9_7\tx86_64\tkernel-uname-r = 5.14.0-611.41.1.el9_7.x86_64|rpmlib(CompressedFileNames) <= 3.0.4-1|\n"
        + "kernel-core\t0\t5.14.0\t611.41.1.el9_7\tx86_64\tkernel-modules-core-uname-r = 5.14.0-611.41.1.el9_7.x86_64|\n"
        + "kernel\t0\t5.14.0\t611.41.1.el9_7\tx86_64\tkernel-core-uname-r = 5.14.0-611.41.1.el9_7.x86_64|kernel-modules-uname-r = 5.14.0-611.41.1.el9_7.x86_64|\n"
        + "kmod-nvidia-open\t0\t595.58.03\t1.el9_7\tx86_64\tkernel-uname-r = 5.14.0-611.41.1.el9_7.x86_64|\n"
        + "kernel-devel\t0\t5.14.0\t611.41.1.el9_7\tx86_64\trpmlib(PayloadFilesHavePrefix) <= 4.0-1|\n"
        + "kernel-headers\t0\t5.14.0\t611.45.1.el9_7\tx86_64\t\n"
        + "glibc-devel\t0\t2.34\t168.el9\tx86_64\tkernel-headers  |\n"
        + "kernel-tools\t0\t5.14.0\t611.45.1.el9_7\tx86_64\t\n"
        + "kernel-debug-core\t0\t5.14.0\t611.45.1.el9_7\tx86_64\t\n"
        + "kernel-modules-core\t0\t5.14.0\t611.45.1.el9_7\tx86_64\tkernel-uname-r = 5.14.0-611.45.1.el9_7.x86_64|\n"
        + "kernel-core\t0\t5.14.0\t611.45.1.el9_7\tx86_64\tkernel-modules-core-uname-r = 5.14.0-611.45.1.el9_7.x86_64|\n"
        + "kernel-modules\t0\t5.14.0\t611.45.1.el9_7\tx86_64\tkernel-uname-r = 5.14.0-611.45.1.el9_7.x86_64|\n"
        + "kernel\t0\t5.14.0\t611.45.1.el9_7\tx86_64\tkernel-core-uname-r = 5.14.0-611.45.1.el9_7.x86_64|\n"
        + "kernel-core\t0\t5.14.0\t611.49.1.el9_7\tx86_64\t\n"
        + "kernel\t0\t5.14.0\t611.49.1.el9_7\tx86_64\tkernel-core-uname-r = 5.14.0-611.49.1.el9_7.x86_64|\n";

    public static IReadOnlyList<InstalledPackage> Rpm => RpmPackageQuery.ParseWithRequirements(RpmOutput);

    public static InstalledKernel Kernel(string version, bool image = true) =>
        new(version, "/r", image ? "/boot/vmlinuz-" + version : null, "/lib/modules/" + version, false, null, false, null);

    public static ModuleStatus Row(string kernel, string name, ModuleState state) =>
        new(name, "595.58.03", kernel, ModuleProvider.KmodPackage, state, "test", null, null, null, null, null, null, null, null, false, false, "/r");

    public static IReadOnlyList<ModuleStatus> AlmaAfterRows => new[]
    {
        Row(K41, "nvidia", ModuleState.Installed), Row(K45, "nvidia", ModuleState.Missing), Row(K49, "nvidia", ModuleState.Missing),
    };

    public static RemovalRequest Request(string kernel, IReadOnlyList<InstalledPackage>? installed = null, IReadOnlyList<ModuleStatus>? rows = null,
        string? nextBoot = K49, string? running = null, bool force = false, bool hostRoot = false, IReadOnlyList<string>? locks = null,
        IReadOnlyDictionary<string, string>? programs = null, HostFamily family = HostFamily.RedHat, IReadOnlyList<InstalledKernel>? kernels = null)
    {
        installed ??= Rpm;
        kernels ??= new[] { Kernel(K41), Kernel(K45), Kernel(K49) };
        var packages = KernelPackageMatcher.OfRelease(installed, kernel);
        return new RemovalRequest(kernel, family, hostRoot ? "/" : "/r", hostRoot, running,
            new NextBoot(BootLoaderKind.GrubBls, nextBoot, nextBoot is null ? null : "id-" + nextBoot, false, nextBoot is null ? "no boot loader" : "saved_entry"),
            kernels, KernelHealth.Evaluate(kernels.Select(k => k.KernelVersion), rows ?? AlmaAfterRows), packages,
            KernelPackageMatcher.Dependents(installed, packages, kernel), locks ?? Array.Empty<string>(), force,
            programs ?? new Dictionary<string, string> { ["dnf"] = "/usr/bin/dnf", ["apt-get"] = "/usr/bin/apt-get" }, "/var/lib/rpm");
    }
}
