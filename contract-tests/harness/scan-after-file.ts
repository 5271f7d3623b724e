// jest setupFilesAfterEach: after each test file, no output of the SDK may contain a secret it was given.
import { scanOutputs } from './output-scan';

afterAll(() => {
  const { leaks } = scanOutputs();
  expect(leaks).toEqual([]);
});
