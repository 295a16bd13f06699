using KmodPS.Core.Dkms;
using KmodPS.Core.Platform;
using Xunit.Abstractions;

namespace KmodPS.Tests.Lab;

/// <summary>
/// dkms.conf files the real dkms refuses ("Bad conf file", exit 8) or accepts, and that bash parses or not, against
/// what KmodPS says of them: each case is added with the real <c>dkms add</c> in a private tree and checked with
/// <c>bash -n</c>. KmodPS must name a bash fault exactly where bash finds one, and say "Bad conf file" exactly where dkms does.
/// A root whose added module's dkms.conf broke later reads with a warning naming the file and the fault.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class DkmsConfLabTests(LabWorlds lab, ITestOutputHelper output) : IDisposable
{
    private const string Head = "PACKAGE_NAME=\"@M@\"\nPACKAGE_VERSION=\"1.0\"\n";
    private const string Tail = "BUILT_MODULE_NAME[0]=\"@M@\"\nDEST_MODULE_LOCATION[0]=\"/updates\"\n";

    private readonly string _work = Directory.CreateTempSubdirectory("kmodps-dkmsconf-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    public static TheoryData<string, string> Cases() => new()
    {
        { "unclosedquote", "PACKAGE_NAME=\"@M@\"\nPACKAGE_VERSION=\"1.0\n" + Tail },
        { "ifwithoutfi", Head + Tail + "if [ -n \"$kernelver\" ]; then\n  STRIP[0]=no\n" },
        { "quotedrecord", Head + "BUILT_MODULE_NAME[0]=\"@M@\nDEST_MODULE_LOCATION[0]=\"/updates\"\n" },
        { "nolocation", Head + "BUILT_MODULE_NAME[0]=\"@M@\"\n" },
        { "badlocation", Head + "BUILT_MODULE_NAME[0]=\"@M@\"\nDEST_MODULE_LOCATION[0]=\"/lib/modules\"\n" },
        { "multiline", Head + "MAKE[0]=\"make -C $kernel_source_dir\n  M=$dkms_tree/@M@/1.0/build\"\n" + Tail },
        { "casewithoutesac", Head + Tail + "case \"$kernelver\" in\n  6.*) STRIP[0]=no ;;\n" },
        { "strayfi", Head + Tail + "fi\n" },
        { "noversion", "PACKAGE_NAME=\"@M@\"\n" + Tail },
        { "koname", Head + "BUILT_MODULE_NAME[0]=\"@M@.ko\"\nDEST_MODULE_LOCATION[0]=\"/updates\"\n" },
        { "binary", "\u007fELF\u0002\u0001\u0001\0\0\0\0\0\0\0\0\0\u0003\0>\0" },
        { "valid", Head + Tail },
        { "validconditional", Head + "if [ -f $kernel_source_dir/.config ]; then\n  case \"$kernelver\" in\n    (6.*) X=1 ;;\n  esac\nfi\nMAKE[0]=\"make -C ${kernel_source_dir} M=$(pwd) V=\\\"$(basename \"$dkms_tree\")\\\"\"\n" + Tail },
    };

    [LabTheory]
    [MemberData(nameof(Cases))]
    public void KmodPSFlagsExactlyTheFilesDkmsRefuses(string name, string text)
    {
        _ = lab;
        var module = "kmodpsconf" + name;
        var source = Path.Combine(_work, "src", $"{module}-1.0");
        Directory.CreateDirectory(source);
        Directory.CreateDirectory(Path.Combine(_work, "tree"));
        File.WriteAllText(Path.Combine(source, "dkms.conf"), text.Replace("@M@", module));
        var (exit, dkmsOutput) = Shell.Run("dkms", TimeSpan.FromMinutes(2), "add", "--dkmstree", Path.Combine(_work, "tree"),
            "--sourcetree", Path.Combine(_work, "src"), "-m", module, "-v", "1.0");
        var (bashExit, bashOutput) = Shell.Run("bash", TimeSpan.FromMinutes(1), "-n", Path.Combine(source, "dkms.conf"));
        var problem = DkmsConf.Parse(File.ReadAllText(Path.Combine(source, "dkms.conf"))).Problem;
        output.WriteLine($"{name}: dkms add exit {exit}: {dkmsOutput.Trim()}\nbash -n exit {bashExit}: {bashOutput.Trim()}\nKmodPS: {problem ?? "no problem"}");
        Assert.True(exit is 0 or 8, $"dkms add: unexpected exit {exit}: {dkmsOutput}");
        Assert.Equal(exit == 8, dkmsOutput.Contains("Bad conf file", StringComparison.Ordinal));
        Assert.Equal(exit == 8, problem?.Contains("Bad conf file", StringComparison.Ordinal) == true);
        Assert.Equal(bashExit != 0, problem?.Contains("bash stops there", StringComparison.Ordinal) == true);
    }

    [LabFact]
    public void AnAddedModuleWhoseDkmsConfBrokeReadsWithAWarningNamingIt()
    {
        var root = Path.Combine(_work, "root");
        var source = Path.Combine(root, "usr", "src", "kmodpsbroken-1.0");
        Directory.CreateDirectory(source);
        var conf = Path.Combine(source, "dkms.conf");
        File.WriteAllText(conf, (Head + Tail).Replace("@M@", "kmodpsbroken"));
        var version = Path.Combine(root, "var", "lib", "dkms", "kmodpsbroken", "1.0");
        Directory.CreateDirectory(version);
        File.CreateSymbolicLink(Path.Combine(version, "source"), "/usr/src/kmodpsbroken-1.0");
        Assert.Empty(new DkmsTreeReader(new DirectorySystemRoot(root)).Read().Warnings);

        File.WriteAllText(conf, (Head + "if [ -n \"$kernelver\" ]; then\n" + Tail).Replace("@M@", "kmodpsbroken"));
        var (exit, dkmsOutput) = Shell.Run("dkms", TimeSpan.FromMinutes(2), "build", "--dkmstree", Path.Combine(root, "var", "lib", "dkms"),
            "--sourcetree", Path.Combine(root, "usr", "src"), "-m", "kmodpsbroken", "-v", "1.0", "-k", LabEnvironment.DebianKernel, "-c", conf);
        output.WriteLine($"dkms build: exit {exit}: {dkmsOutput.Trim()}");
        Assert.Equal(8, exit);
        var report = new DkmsTreeReader(new DirectorySystemRoot(root)).Read();
        var warning = Assert.Single(report.Warnings);
        output.WriteLine(warning);
        Assert.Contains(conf, warning);
        Assert.Contains("the 'if' on line 3 is never closed", warning);
        Assert.Equal(DkmsState.Added, Assert.Single(report.Items).State);
    }
}
