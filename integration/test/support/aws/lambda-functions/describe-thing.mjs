// Calls AWS IoT with the SDK's defaults: region, endpoint, credentials and trusted roots from the environment.
import { DescribeThingCommand, IoTClient } from '@aws-sdk/client-iot';

const iot = new IoTClient({ maxAttempts: 1 });

export const handler = async (event) => {
  try {
    const thing = await iot.send(new DescribeThingCommand({ thingName: event.thingName }));
    return { thingArn: thing.thingArn };
  } catch (error) {
    return { error: error.name, message: error.message };
  }
};
