import { DarwinSampler } from './darwin';
import { LinuxSampler } from './linux';
import type { PlatformSampler } from './sampler';
import { Win32Sampler } from './win32';

export function createPlatformSampler(
  platform: NodeJS.Platform = process.platform,
): PlatformSampler {
  switch (platform) {
    case 'linux':
      return new LinuxSampler();
    case 'darwin':
      return new DarwinSampler();
    case 'win32':
      return new Win32Sampler();
    default:
      throw new Error(`Procscope cannot read processes on ${platform}.`);
  }
}
