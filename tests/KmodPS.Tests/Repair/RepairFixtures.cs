using KmodPS.Core.Dkms;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;
using KmodPS.Core.Repair;

namespace KmodPS.Tests.Repair;

/// <summary>Hand-built planner input: status rows, DKMS tree entries, tools and repository packages.</summary>
internal static class RepairFixtures
{
    public const string K = "6.1.0-56-amd64";
    public const string KOld = "6.1.0-55-amd64";
    public const string Alma41 = "5.14.0-611.41.1.el9_7.x86_64";
    public const string Alma45 = "5.14.0-611.45.1.el9_7.x86_64";
    public const string DkmsPath = "/usr/sbin/dkms";

    public static readonly DkmsConf V4l2Conf = DkmsConf.Parse("PACKAGE_NAME=\"v4l2loopback\"\nPACKAGE_VERSION=\"0.12.7\"\nBUILT_MODULE_NAME[0]=\"v4l2loopback\"\nDEST_MODULE_LOCATION[0]=\"/extra\"\n");

    public static InstalledKernel Kernel(string version, bool headers = true, string root = "/") =>
        new(version, root, "/boot/vmlinuz-" + version, "/lib/modules/" + version, headers, headers ? $"/usr/src/linux-headers-{version}" : null, false, null);

    public static ModuleStatus Row(string name, string kernel, ModuleState state, ModuleProvider provider = ModuleProvider.Dkms, string? version = null,
        string? package = null, string? signer = null, string root = "/") =>
        new(name, version, kernel, provider, state, $"{state} for the test", package, state == ModuleState.Missing ? null : $"/lib/modules/{kernel}/updates/dkms/{name}.ko",
            null, null, signer, signer is null ? null : "AA:BB", state == ModuleState.Untrusted ? false : null, null, false, false, root);

    public static DkmsEntry Entry(string module, string version, string? kernel, DkmsState state, DkmsConf? conf = null) =>
        new(module, version, kernel, kernel is null ? null : "x86_64", state, $"/usr/src/{module}-{version}", Array.Empty<string>(), null, null, null, conf ?? V4l2Conf);

    public static RepositoryPackage Package(string name, string version, string release, string kernel, bool installOnly = false) =>
        new(name, version, release, "x86_64", "lab", new[] { $"kernel-uname-r = {kernel}" },
            installOnly ? new[] { $"{name} = {version}-{release}", "installonlypkg(kernel-module)" } : new[] { $"{name} = {version}-{release}", "kmod(nvidia.ko)" });

    public static RepairTools Tools(string root = "/", bool host = true, bool compiler = true, string? tool = "dnf") =>
        new(DkmsCommands.Invocation(root, host, DkmsPath), null, compiler, tool, host ? null : "9");

    public static RepairInput Input(
        IEnumerable<InstalledKernel> kernels, IEnumerable<ModuleStatus> rows, IEnumerable<RepairPair> pairs, IEnumerable<DkmsEntry>? dkms = null,
        RepairTools? tools = null, string root = "/", HostFamily family = HostFamily.Debian, IReadOnlyList<RepositoryPackage>? repository = null,
        bool secureBoot = false, string? certificate = "/var/lib/dkms/mok.pub") =>
        new(root, root == "/", family, kernels.ToList(), rows.ToList(), (dkms ?? Array.Empty<DkmsEntry>()).ToList(), pairs.ToList(),
            tools ?? Tools(root, root == "/"), repository, repository is null ? "not queried in this test" : null, secureBoot, certificate);

    public static string[] Argv(CommandRequest command) => new[] { command.FileName }.Concat(command.Arguments).ToArray();
}
