import { removeTestOutdirs } from './harness';

afterAll(removeTestOutdirs);
