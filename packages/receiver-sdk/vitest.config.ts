import { hookdeskProject } from '../../vitest.shared.ts';

export default hookdeskProject('receiver-sdk');
