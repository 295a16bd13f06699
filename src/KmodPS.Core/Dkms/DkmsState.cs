namespace KmodPS.Core.Dkms;

/// <summary>A state as <c>dkms status</c> names it.</summary>
public enum DkmsState
{
    Added,
    Built,
    Installed,
    InstalledWeak,
}
