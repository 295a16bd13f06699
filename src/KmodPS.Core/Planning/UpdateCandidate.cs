using KmodPS.Models;

namespace KmodPS.Planning;

/// <summary>A kernel Test-KernelUpdate judges.</summary>
public sealed record UpdateCandidate(string KernelVersion, UpdateSource Source);
