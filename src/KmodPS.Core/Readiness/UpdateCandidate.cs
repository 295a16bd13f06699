using KmodPS.Core.Models;

namespace KmodPS.Core.Readiness;

/// <summary>A kernel Test-KernelUpdate judges.</summary>
internal sealed record UpdateCandidate(string KernelVersion, UpdateSource Source);
