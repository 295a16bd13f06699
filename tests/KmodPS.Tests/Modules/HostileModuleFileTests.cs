using System.Diagnostics;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Modules;
using KmodPS.Core.Platform;
using KmodPS.Core.TestRoots;
using KmodPS.Tests.Lab;
using KmodPS.Tests.Runner;

namespace KmodPS.Tests.Modules;

/// <summary>
/// Module trees with hostile files: a FIFO or device where a module should be, and compressed modules that expand
/// to gigabytes. Every read ends, with a Broken row and a clear reason, in bounded memory.
/// </summary>
public sealed class HostileModuleFileTests : IClassFixture<HostileModuleFileTests.Bombs>
{
    private const string Kernel = "6.1.0-9-amd64";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly Bombs _bombs;

    public HostileModuleFileTests(Bombs bombs)
    {
        _bombs = bombs;
    }

    [Fact]
    public async Task AFifoNamedLikeAModuleIsReportedAndNeverOpened()
    {
        using var root = new ModuleRoot();
        var fifo = root.ModulePath("extra/nvidia.ko");
        Shell.Stdout("mkfifo", fifo);
        // WaitAsync throws TimeoutException if the read blocks.
        var tree = await Task.Run(() => new KernelModuleScanner(new DirectorySystemRoot(root.Path)).Scan(Kernel, new DiagnosticLog())).WaitAsync(Timeout);
        var module = Assert.Single(tree.OutOfTree);
        Assert.Null(module.Info);
        Assert.Equal("not a regular file (a FIFO); not opened", module.Error);
    }

    [Fact]
    public void DevicesAreNamedWithoutBeingRead()
    {
        var error = Assert.Throws<NotARegularFileException>(() => ModuleFileReader.Read("/dev/zero", "/lib/modules/x/extra/zero.ko"));
        Assert.Contains("a character device", error.Message);
        Assert.Throws<NotARegularFileException>(() => ModuleFileReader.Read("/dev/null", "/lib/modules/x/extra/null.ko.zst"));
    }

    [Theory]
    [InlineData("zst")]
    [InlineData("xz")]
    public async Task ABombStopsAtTheDocumentedCap(string kind)
    {
        var bomb = _bombs.Path(kind);
        Assert.True(new FileInfo(bomb).Length < 1 << 20, "the bomb should be small on disk");
        var error = await Task.Run(() => Assert.Throws<InvalidDataException>(() => ModuleFileReader.Read(bomb, "/lib/modules/x/extra/nvidia.ko." + kind))).WaitAsync(Timeout);
        Assert.Contains("decompresses to more than 256 MiB", error.Message);
    }

    [Fact]
    public void CompressedDataThatIsNoElfStopsAtOnce()
    {
        using var root = new ModuleRoot();
        var raw = root.ModulePath("extra/zeros.ko");
        using (var file = File.Create(raw))
        {
            file.SetLength(1L << 30);
        }
        Shell.Stdout("zstd", "-q", "-1", "--rm", raw, "-o", raw + ".zst");
        var error = Assert.Throws<InvalidDataException>(() => ModuleFileReader.Read(raw + ".zst", "/lib/modules/x/extra/zeros.ko.zst"));
        Assert.Equal("not an ELF file", error.Message);
    }

    [Fact]
    public async Task GetKernelModuleStatusReadsBombsAndAFifoInBoundedMemory()
    {
        using var root = new ModuleRoot();
        var benign = ElfModuleWriter.Write(new Dictionary<string, string> { ["name"] = "benign", ["vermagic"] = Kernel + " SMP mod_unload modversions " });
        File.WriteAllBytes(root.ModulePath("extra/benign.ko"), benign);
        var baseline = await PeakOfStatus(root.Path);

        File.Copy(_bombs.Path("zst"), root.ModulePath("extra/nvidia.ko.zst"));
        File.Copy(_bombs.Path("xz"), root.ModulePath("updates/nvidia_uvm.ko.xz"));
        Shell.Stdout("mkfifo", root.ModulePath("extra/nvidia_drm.ko"));
        var hostile = await PeakOfStatus(root.Path);

        Assert.Contains("nvidia|Broken|", hostile.Rows);
        Assert.Contains("nvidia_uvm|Broken|", hostile.Rows);
        Assert.Contains(hostile.Rows.Split('\n'), r => r.StartsWith("nvidia|Broken|", StringComparison.Ordinal) && r.Contains("decompresses to more than 256 MiB"));
        Assert.Contains(hostile.Rows.Split('\n'), r => r.StartsWith("nvidia_drm|Broken|", StringComparison.Ordinal) && r.Contains("not a regular file (a FIFO)"));
        // The decoders' windows and 64 KiB buffers, not the 2 GiB and 512 MiB the bombs expand to.
        Assert.True(hostile.PeakKiB - baseline.PeakKiB < 96 * 1024,
            $"peak memory grew from {baseline.PeakKiB} KiB to {hostile.PeakKiB} KiB reading the bombs");
    }

    // Runs Get-KernelModuleStatus in a child runner and returns its rows and the child's own peak resident set (VmHWM).
    private static async Task<(string Rows, long PeakKiB)> PeakOfStatus(string root)
    {
        var script = $"Get-KernelModuleStatus -Root '{root}' | ForEach-Object {{ \"$($_.Name)|$($_.State)|$($_.Reason)\" }}; " +
            "(Get-Content /proc/self/status | Where-Object { $_ -like 'VmHWM:*' }) -replace '\\D', ''";
        var (exit, stdout, stderr) = await Task.Run(() => RunnerProcess.Run(script)).WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, stderr);
        var lines = stdout.TrimEnd().Split('\n');
        return (string.Join('\n', lines[..^1]), long.Parse(lines[^1].Trim()));
    }

    /// <summary>A throw-away Debian root with one kernel, for module files.</summary>
    private sealed class ModuleRoot : IDisposable
    {
        public ModuleRoot()
        {
            Path = Directory.CreateTempSubdirectory("kmodps-hostile-").FullName;
            Directory.CreateDirectory(Path + "/etc");
            File.WriteAllText(Path + "/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
            Directory.CreateDirectory(Path + "/boot");
            File.WriteAllBytes(Path + $"/boot/vmlinuz-{Kernel}", new byte[] { 0x4d, 0x5a });
            Directory.CreateDirectory(Path + $"/lib/modules/{Kernel}/extra");
            Directory.CreateDirectory(Path + $"/lib/modules/{Kernel}/updates");
        }

        public string Path { get; }

        public string ModulePath(string relative) => $"{Path}/lib/modules/{Kernel}/{relative}";

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    /// <summary>
    /// Made once with the real tools: a valid module followed by zeros, 2 GiB for zstd and 512 MiB for xz (xz is slow
    /// to make them), both over the 256 MiB cap, both a few hundred KB on disk.
    /// </summary>
    public sealed class Bombs : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("kmodps-bombs-").FullName;

        public Bombs()
        {
            Make("zst", 2L << 30, raw => Shell.Stdout("zstd", "-q", "-1", "--rm", raw, "-o", raw + ".zst"));
            Make("xz", 512L << 20, raw => Shell.Stdout("xz", "-0", "-T1", raw));
        }

        public string Path(string kind) => $"{_directory}/bomb.ko.{kind}";

        public void Dispose() => Directory.Delete(_directory, recursive: true);

        private void Make(string kind, long size, Action<string> compress)
        {
            var raw = $"{_directory}/bomb-{kind}/bomb.ko";
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(raw)!);
            var module = ElfModuleWriter.Write(new Dictionary<string, string> { ["name"] = "nvidia", ["vermagic"] = Kernel + " SMP mod_unload modversions " });
            using (var file = File.Create(raw))
            {
                file.Write(module);
                file.SetLength(size); // sparse zeros: instant to make, read at memory speed
            }
            compress(raw);
            File.Move(raw + "." + kind, Path(kind));
        }
    }
}
