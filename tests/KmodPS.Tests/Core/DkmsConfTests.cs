using KmodPS.Core.Dkms;

namespace KmodPS.Tests.Core;

public sealed class DkmsConfTests
{
    private const string V4l2loopback = """
        PACKAGE_NAME="v4l2loopback"
        PACKAGE_VERSION="0.12.7"

        if [ -f $kernel_source_dir/.config ]; then
            . $kernel_source_dir/.config
            if [ "${CONFIG_VIDEO_DEV:-n}" = "n" ]; then
                BUILD_EXCLUSIVE_KERNEL="REQUIRES CONFIG_VIDEO_DEV"
            fi
        fi

        MAKE[0]="make KERNEL_DIR=${kernel_source_dir} all"
        BUILT_MODULE_NAME[0]="$PACKAGE_NAME"
        DEST_MODULE_LOCATION[0]="/extra"
        AUTOINSTALL="yes"
        """;

    [Fact]
    public void ReadsTopLevelAssignmentsAndExpandsKnownVariables()
    {
        var conf = DkmsConf.Parse(V4l2loopback);
        Assert.Equal("v4l2loopback", conf.PackageName);
        Assert.Equal("0.12.7", conf.PackageVersion);
        Assert.Equal(new[] { "v4l2loopback" }, conf.DestModuleNames);
        Assert.Equal("make KERNEL_DIR=${kernel_source_dir} all", conf.Get("MAKE[0]"));
    }

    [Fact]
    public void AssignmentsInsideConditionalsAreNotTakenButNoticed()
    {
        var conf = DkmsConf.Parse(V4l2loopback);
        Assert.Null(conf.BuildExclusiveKernel);
        Assert.True(conf.HasConditionalAssignments);
    }

    [Fact]
    public void DestNameOverridesBuiltNameAndPackageNameIsTheDefault()
    {
        var nvidia = DkmsConf.Parse("PACKAGE_NAME=nvidia\nBUILT_MODULE_NAME[0]=nvidia\nBUILT_MODULE_NAME[1]=nvidia-uvm\nDEST_MODULE_NAME[1]=nvidia_uvm # renamed\n");
        Assert.Equal(new[] { "nvidia", "nvidia_uvm" }, nvidia.DestModuleNames);
        Assert.Equal(new[] { "zfs" }, DkmsConf.Parse("PACKAGE_NAME='zfs'\nBUILD_EXCLUSIVE_KERNEL=\"^6\\.\"\n").DestModuleNames);
        Assert.Equal("^6\\.", DkmsConf.Parse("BUILD_EXCLUSIVE_KERNEL=\"^6\\.\"").BuildExclusiveKernel);
    }
}
