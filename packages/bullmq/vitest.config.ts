import { hookdeskProject } from '../../vitest.shared.ts';

export default hookdeskProject('bullmq');
