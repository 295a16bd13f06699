namespace KmodPS.Core.Modules;

/// <summary>Where under <c>/lib/modules/&lt;kernel&gt;</c> a module file sits.</summary>
public enum ModuleLocation
{
    Extra,
    Updates,
    WeakUpdates,
    Kernel,
    Other,
}
